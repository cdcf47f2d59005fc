using FaceStudio.Core.Errors;
using FaceStudio.Core.Text;

namespace FaceStudio.Core.Tests.Adversarial;

/// <summary>Prompt weights that overflow float32 are refused when the prompt is parsed, naming the limit.</summary>
public class PromptWeightAdversarialTests
{
    public static TheoryData<string> Overflowing => new()
    {
        new string('(', 1000) + "x",
        "(x:1" + new string('0', 40) + ")",
        "(x:-1" + new string('0', 40) + ")",
        "(x:101)",
        "((x:95))",
        new string('[', 1000) + "(x:1" + new string('0', 400) + ")",
    };

    [Theory]
    [MemberData(nameof(Overflowing))]
    public void Overflowing_weights_are_a_validation_error_naming_the_limit(string prompt)
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => PromptAttentionParser.Parse(prompt));
        Assert.Equal("prompt", ex.ParameterName);
        Assert.Contains("[-100, 100]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(x:100)", 100.0)]
    [InlineData("(x:-100)", -100.0)]
    [InlineData("((((((((((x))))))))))", 2.5937424601)]
    public void Weights_at_or_inside_the_limit_parse(string prompt, double weight)
    {
        WeightedFragment fragment = Assert.Single(PromptAttentionParser.Parse(prompt));
        Assert.Equal((float)weight, fragment.Weight, 1e-5f);
    }
}
