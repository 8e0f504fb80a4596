using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings.Http;

/// <summary>
/// <c>bindings.http</c> metadata, validated at construction: <c>url</c>, <c>securityToken</c> + <c>securityTokenHeader</c>,
/// <c>MTLSRootCA</c> / <c>MTLSClientCert</c> / <c>MTLSClientKey</c> (PEM text or a file path), <c>MTLSRenegotiation</c>,
/// <c>responseTimeout</c>, <c>maxResponseBodySize</c> (bytes, or with a unit: <c>100Mi</c>, default 100 MB) and
/// <c>errorIfNot2XX</c> (default true).
/// </summary>
internal sealed partial record HttpBindingOptions(
    Uri Url, string? SecurityToken, string? SecurityTokenHeader, X509Certificate2Collection? RootCertificates,
    X509Certificate2? ClientCertificate, TimeSpan? ResponseTimeout, long MaxResponseBodySize, bool ErrorIfNot2XX)
{
    public static HttpBindingOptions FromMetadata(ComponentMetadata metadata)
    {
        var text = metadata.GetRequiredString("url");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw metadata.Error("url", $"must be an absolute http:// or https:// URL, not '{text}'");
        var token = metadata.GetString("securityToken");
        var header = metadata.GetString("securityTokenHeader");
        var renegotiation = metadata.GetString("MTLSRenegotiation");
        // .NET does not offer TLS renegotiation settings; the value is checked against Go's names so a typo is caught.
        if (!string.IsNullOrEmpty(renegotiation) && renegotiation is not ("RenegotiateNever" or "RenegotiateOnceAsClient" or "RenegotiateFreelyAsClient"))
            throw metadata.Error("MTLSRenegotiation", $"must be RenegotiateNever, RenegotiateOnceAsClient or RenegotiateFreelyAsClient, not '{renegotiation}'");
        var responseTimeout = metadata.GetDuration("responseTimeout");
        if (responseTimeout is { } rt && rt <= TimeSpan.Zero) responseTimeout = null;
        return new HttpBindingOptions(url, token, header, ReadRootCertificates(metadata), ReadClientCertificate(metadata),
            responseTimeout, ByteSize(metadata, "maxResponseBodySize", 100L << 20), metadata.GetBool("errorIfNot2XX", true));
    }

    private static X509Certificate2Collection? ReadRootCertificates(ComponentMetadata metadata)
    {
        if (Pem(metadata, "MTLSRootCA") is not { } pem) return null;
        var collection = new X509Certificate2Collection();
        try { collection.ImportFromPem(pem); }
        catch (CryptographicException e) { throw metadata.Error("MTLSRootCA", $"is not a PEM certificate: {e.Message}"); }
        if (collection.Count == 0) throw metadata.Error("MTLSRootCA", "holds no PEM certificate");
        return collection;
    }

    private static X509Certificate2? ReadClientCertificate(ComponentMetadata metadata)
    {
        var cert = Pem(metadata, "MTLSClientCert");
        var key = Pem(metadata, "MTLSClientKey");
        if (cert is null || key is null) return null;
        try { return X509Certificate2.CreateFromPem(cert, key); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw metadata.Error("MTLSClientCert", $"with MTLSClientKey is not a PEM certificate and private key: {e.Message}");
        }
    }

    /// <summary>PEM text as given, or the content of the file it names (Dapr accepts either).</summary>
    private static string? Pem(ComponentMetadata metadata, string field)
    {
        var value = metadata.GetString(field);
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Contains("-----BEGIN", StringComparison.Ordinal)) return value;
        try { return File.ReadAllText(value); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw metadata.Error(field, $"is neither PEM text nor a readable file: {e.Message}");
        }
    }

    /// <summary>Kubernetes-style quantities as Dapr's <c>ByteSize</c> reads them: <c>1048576</c>, <c>100Mi</c>, <c>1G</c>; 0 or less means no limit.</summary>
    private static long ByteSize(ComponentMetadata metadata, string field, long defaultValue)
    {
        var text = metadata.GetString(field)?.Trim();
        if (string.IsNullOrEmpty(text)) return defaultValue;
        var m = Quantity().Match(text);
        if (!m.Success) throw metadata.Error(field, $"must be a size such as '10485760', '100Mi' or '1G', not '{text}'");
        var number = decimal.Parse(m.Groups["n"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var multiplier = m.Groups["u"].Value switch
        {
            "" => 1m,
            "k" or "K" => 1e3m, "M" => 1e6m, "G" => 1e9m, "T" => 1e12m,
            "Ki" => 1024m, "Mi" => 1024m * 1024, "Gi" => 1024m * 1024 * 1024, "Ti" => 1024m * 1024 * 1024 * 1024,
            _ => throw metadata.Error(field, $"has an unknown unit in '{text}'"),
        };
        var bytes = number * multiplier;
        return bytes <= 0 ? 0 : bytes >= long.MaxValue ? long.MaxValue : (long)bytes;
    }

    [GeneratedRegex(@"^(?<n>[+-]?\d+(\.\d+)?)(?<u>[A-Za-z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Quantity();
}
