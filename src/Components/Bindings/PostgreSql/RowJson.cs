using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace ActorRuntime.Components.Bindings.PostgreSql;

/// <summary>
/// A query's rows as Dapr's binding returns them (Go's JSON of pgx values): an array of rows, each an array of column
/// values; timestamps in RFC 3339 (UTC), <c>bytea</c> in base64, <c>json</c>/<c>jsonb</c> as JSON, arrays as arrays.
/// </summary>
internal static class RowJson
{
    public static async Task<ReadOnlyMemory<byte>> WriteAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                w.WriteStartArray();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (await reader.IsDBNullAsync(i, ct).ConfigureAwait(false)) { w.WriteNullValue(); continue; }
                    var type = reader.GetDataTypeName(i);
                    if (type is "json" or "jsonb") w.WriteRawValue(GoJsonColumn(reader.GetString(i)), skipInputValidation: true);
                    else WriteValue(w, reader.GetValue(i));
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        return buffer.WrittenMemory;
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null or DBNull: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case short s: w.WriteNumberValue(s); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case decimal d: w.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case string s: w.WriteStringValue(s); break;
            case byte[] bytes: w.WriteBase64StringValue(bytes); break;
            case DateTime dt: w.WriteStringValue(Rfc3339(dt)); break;
            case DateTimeOffset dto: w.WriteStringValue(Rfc3339(dto.UtcDateTime)); break;
            case DateOnly date: w.WriteStringValue(Rfc3339(date.ToDateTime(TimeOnly.MinValue))); break;
            case Guid g: w.WriteStringValue(g.ToString()); break;
            case IEnumerable items when value is not string:
                w.WriteStartArray();
                foreach (var item in items) WriteValue(w, item);
                w.WriteEndArray();
                break;
            case IFormattable f: w.WriteStringValue(f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }

    /// <summary>pgx decodes a JSON column into Go values, which Go then writes compact with sorted keys.</summary>
    private static string GoJsonColumn(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return GoJson.ToText(doc.RootElement);
    }

    /// <summary>Go's <c>time.RFC3339Nano</c> for a UTC instant: trailing zeros of the fraction dropped.</summary>
    public static string Rfc3339(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + "Z";
    }
}
