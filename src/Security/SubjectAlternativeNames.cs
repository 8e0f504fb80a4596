using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security;

/// <summary>Reads URI names out of a subjectAltName extension (.NET enumerates DNS names and IP addresses, not URIs).</summary>
internal static class SubjectAlternativeNames
{
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static IEnumerable<string> Uris(X509SubjectAlternativeNameExtension san)
    {
        var result = new List<string>();
        try
        {
            var reader = new AsnReader(san.RawData, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriTag)) result.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                else names.ReadEncodedValue();
            }
        }
        catch (AsnContentException)
        {
            return []; // a malformed extension names nobody
        }
        return result;
    }
}
