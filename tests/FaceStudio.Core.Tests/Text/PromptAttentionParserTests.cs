using FaceStudio.Core.Errors;
using FaceStudio.Core.Text;

namespace FaceStudio.Core.Tests.Text;

public class PromptAttentionParserTests
{
    private static void AssertFragments(string prompt, params (string Text, double Weight)[] expected)
    {
        IReadOnlyList<WeightedFragment> actual = PromptAttentionParser.Parse(prompt);
        Assert.Equal(expected.Select(e => new WeightedFragment(e.Text, (float)e.Weight)), actual);
    }

    // The examples in the docstring of AUTOMATIC1111's parse_prompt_attention, with its printed weights.
    [Fact]
    public void Normal_text_has_weight_one() => AssertFragments("normal text", ("normal text", 1.0));

    [Fact]
    public void Round_brackets_multiply_by_1_1() =>
        AssertFragments("an (important) word", ("an ", 1.0), ("important", 1.1), (" word", 1.0));

    [Fact]
    public void Unbalanced_open_bracket_weights_the_rest() => AssertFragments("(unbalanced", ("unbalanced", 1.1));

    [Fact]
    public void Escaped_brackets_are_literal() => AssertFragments(@"\(literal\]", ("(literal]", 1.0));

    [Fact]
    public void Equal_neighbours_merge() => AssertFragments("(unnecessary)(parens)", ("unnecessaryparens", 1.1));

    [Fact]
    public void Reproduces_the_nested_reference_example() =>
        AssertFragments(
            "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
            ("a ", 1.0),
            ("house", 1.5730000000000004),
            (" ", 1.1),
            ("on", 1.0),
            (" a ", 1.1),
            ("hill", 0.55),
            (", sun, ", 1.1),
            ("sky", 1.4641000000000006),
            (".", 1.1));

    // Further cases, expected weights from the rule (products of 1.1, 1/1.1 and explicit weights).
    [Fact]
    public void Nesting_multiplies() =>
        AssertFragments("((a)) [[b]]", ("a", 1.1 * 1.1), (" ", 1.0), ("b", 1 / 1.1 / 1.1));

    // (1 / 1.1) * 1.1 is exactly 1.0 in double precision, so "c" merges with the unweighted space before it.
    [Fact]
    public void Opposite_brackets_cancel_and_merge() => AssertFragments("x ([c])", ("x c", 1 / 1.1 * 1.1));

    [Fact]
    public void Explicit_weight_allows_spaces_and_signs() =>
        AssertFragments("(a : 1.5 ) (b:-0.5) (c:+.25)", ("a ", 1.5), (" ", 1.0), ("b", -0.5), (" ", 1.0), ("c", 0.25));

    [Fact]
    public void Colon_without_a_closing_bracket_is_text() => AssertFragments("(a:0.5", ("a:0.5", 1.1));

    [Fact]
    public void Weight_outside_brackets_is_text() => AssertFragments("ratio:1.5) x", ("ratio:1.5) x", 1.0));

    [Fact]
    public void Stray_closing_brackets_are_text() => AssertFragments("a) b] c", ("a) b] c", 1.0));

    [Fact]
    public void Escaped_backslash_is_kept_and_a_lone_one_dropped() =>
        AssertFragments(@"a\\b\c", (@"a\bc", 1.0));

    [Fact]
    public void Unclosed_square_bracket_divides_the_rest() => AssertFragments("x [y", ("x ", 1.0), ("y", 1 / 1.1));

    [Fact]
    public void Empty_prompt_is_one_empty_fragment() => AssertFragments("", ("", 1.0));

    [Fact]
    public void Malformed_number_is_a_validation_error()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => PromptAttentionParser.Parse("(a:1.2.3)"));
        Assert.Contains("1.2.3", ex.Message, StringComparison.Ordinal);
        Assert.Equal("prompt", ex.ParameterName);
    }
}
