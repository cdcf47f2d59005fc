using System.Text;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Identity;

public class IdentityEmbeddingFileTests
{
    private static IdentityEmbedding Load(string json) =>
        IdentityEmbeddingFile.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "id.json");

    [Fact]
    public void Round_trips_vector_and_sources()
    {
        var report = new FaceReport("a.jpg", 1, 3, RegionBox.FromCorners(1.5f, 2, 30, 40.25f), 0.875f, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true);
        var id = IdentityEmbedding.FromVector([0.1f, -0.7f, 0.3f, 0.2f], [report]);
        var ms = new MemoryStream();
        IdentityEmbeddingFile.Save(id, ms);
        var text = Encoding.UTF8.GetString(ms.ToArray());
        Assert.Contains("\"format\": \"facestudio.identity/1\"", text, StringComparison.Ordinal);
        Assert.Contains("\"dim\": 4", text, StringComparison.Ordinal);

        var back = IdentityEmbeddingFile.Load(new MemoryStream(ms.ToArray()), "x.json");
        Assert.Equal(id.Vector.ToArray(), back.Vector.ToArray());
        var f = Assert.Single(back.Faces);
        Assert.Equal(report with { Landmarks = f.Landmarks }, f);
        Assert.Equal(report.Landmarks, f.Landmarks);
    }

    [Fact]
    public void Accepts_a_minimal_document()
    {
        var id = Load("""{"format":"facestudio.identity/1","dim":2,"embedding":[0.6,0.8]}""");
        Assert.Equal([0.6f, 0.8f], id.Vector.ToArray());
        Assert.Empty(id.Faces);
    }

    [Theory]
    [InlineData("""{"format":"other/1","dim":2,"embedding":[0.6,0.8]}""", "\"other/1\"")]
    [InlineData("""{"dim":2,"embedding":[0.6,0.8]}""", "found none")]
    [InlineData("""{"format":"facestudio.identity/1","dim":3,"embedding":[0.6,0.8]}""", "\"dim\" is 3 but \"embedding\" holds 2")]
    [InlineData("""{"format":"facestudio.identity/1","dim":2,"embedding":[3,4]}""", "norm 5")]
    [InlineData("""{"format":"facestudio.identity/1","dim":2,"embedding":[0.6,"x"]}""", "index 1")]
    [InlineData("""{"format":"facestudio.identity/1","embedding":[0.6,0.8]}""", "\"dim\"")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""{"format": """, "does not parse")]
    public void Rejects_invalid_documents_with_a_message_naming_the_file(string json, string expected)
    {
        var ex = Assert.Throws<IdentityFileException>(() => Load(json));
        Assert.Equal("id.json", ex.FileName);
        Assert.Contains("id.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

public class IdentityEmbeddingFilePathTests
{
    [Fact]
    public void Saves_and_loads_a_file_and_names_a_missing_one()
    {
        string path = Path.Combine(Path.GetTempPath(), "fs-id-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            IdentityEmbeddingFile.Save(IdentityEmbedding.FromVector([1f, 1f]), path);
            var back = IdentityEmbeddingFile.Load(path);
            Assert.Equal(MathF.Sqrt(0.5f), back.Vector[0], 1e-6f);
        }
        finally
        {
            File.Delete(path);
        }

        var ex = Assert.Throws<IdentityFileException>(() => IdentityEmbeddingFile.Load(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }
}
