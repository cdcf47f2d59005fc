using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceStudio.Core.Regions;

/// <summary>
/// JSON form of a <see cref="RegionBox"/>: its pixel corners <c>{"x0": …, "y0": …, "x1": …, "y1": …}</c>, the notation
/// the SDK uses wherever a box is shown; the float values round-trip exactly.
/// </summary>
internal sealed class RegionBoxJsonConverter : JsonConverter<RegionBox>
{
    public override RegionBox Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A box is an object {{\"x0\", \"y0\", \"x1\", \"y1\"}} but the JSON holds {reader.TokenType}.");
        }

        float? x0 = null, y0 = null, x1 = null, y1 = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString() ?? string.Empty;
            reader.Read();
            switch (name)
            {
                case "x0": x0 = reader.GetSingle(); break;
                case "y0": y0 = reader.GetSingle(); break;
                case "x1": x1 = reader.GetSingle(); break;
                case "y1": y1 = reader.GetSingle(); break;
                default: reader.Skip(); break;
            }
        }

        return x0 is { } a && y0 is { } b && x1 is { } c && y1 is { } d
            ? RegionBox.FromCorners(a, b, c, d)
            : throw new JsonException("A box needs the corners \"x0\", \"y0\", \"x1\" and \"y1\" but at least one is missing.");
    }

    public override void Write(Utf8JsonWriter writer, RegionBox value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("x0", value.X);
        writer.WriteNumber("y0", value.Y);
        writer.WriteNumber("x1", value.Right);
        writer.WriteNumber("y1", value.Bottom);
        writer.WriteEndObject();
    }
}
