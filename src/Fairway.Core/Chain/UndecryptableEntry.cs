using Fairway.Core.Crypto;

namespace Fairway.Core.Chain;

/// <summary>
/// What the output carries in place of a committed ciphertext that does not open: a fixed prefix and the ciphertext
/// transaction's hash. Every validator emits the same bytes, and a client can tell which submission it stands for.
/// </summary>
public static class UndecryptableEntry
{
    private static readonly byte[] Prefix = "fairway/undecryptable/"u8.ToArray();

    public static byte[] Payload(Hash sealedTransaction)
    {
        var payload = new byte[Prefix.Length + Hash.Size];
        Prefix.CopyTo(payload, 0);
        sealedTransaction.CopyTo(payload.AsSpan(Prefix.Length));
        return payload;
    }

    public static bool Is(ReadOnlySpan<byte> payload) => payload.Length == Prefix.Length + Hash.Size && payload.StartsWith(Prefix);
}
