using System.Text;
using Fairway.Settlement;

namespace Fairway.Api;

/// <summary>
/// The hash that names one piece of evidence on the L1 (the <c>evidenceHash</c> of a slash report): keccak256 over
/// UTF-8 of <c>kind + "\n" + min(first, second) + "\n" + max(first, second)</c>. The two statements are ordered
/// (ordinal) so two validators that saw them in different orders attest the same hash.
/// </summary>
public static class EvidenceHash
{
    public const int Size = 32;

    public static byte[] Of(string kind, string first, string second)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var (low, high) = string.CompareOrdinal(first, second) <= 0 ? (first, second) : (second, first);
        return SettlementDigests.Keccak(Encoding.UTF8.GetBytes($"{kind}\n{low}\n{high}"));
    }

    public static byte[] Of(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Of(record.Kind, record.First, record.Second);
    }

    public static string Hex(EvidenceRecord record) => "0x" + Convert.ToHexStringLower(Of(record));
}
