using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>
/// One rollup transaction: the namespace (rollup) it belongs to and an opaque payload that only that rollup
/// interprets. Immutable: the payload is copied in, and the hash is SHA-256 of the canonical encoding, computed once.
/// </summary>
public sealed class Transaction : ICanonical, IEquatable<Transaction>
{
    public const byte Version = 1;

    private readonly byte[] _payload;
    private CachedHash _hash;

    /// <summary>A transaction; the payload is copied, so later changes to the caller's buffer do not affect it.</summary>
    public Transaction(ulong @namespace, ReadOnlyMemory<byte> payload)
        : this(@namespace, CheckedCopy(payload))
    {
    }

    private Transaction(ulong @namespace, byte[] ownedPayload)
    {
        Namespace = @namespace;
        _payload = ownedPayload;
    }

    /// <summary>Takes ownership of a payload a decoder in this assembly has already copied and checked, sparing a second copy.</summary>
    internal static Transaction FromOwned(ulong @namespace, byte[] payload)
    {
        System.Diagnostics.Debug.Assert(payload.Length <= Limits.TransactionPayloadBytesMax);
        return new Transaction(@namespace, payload);
    }

    private static byte[] CheckedCopy(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > Limits.TransactionPayloadBytesMax)
        {
            throw new ArgumentException(
                $"a transaction payload is at most {Limits.TransactionPayloadBytesMax} bytes, got {payload.Length}", nameof(payload));
        }

        return payload.ToArray();
    }

    public ulong Namespace { get; }

    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>SHA-256 of the canonical encoding, computed once.</summary>
    public Hash Hash => _hash.GetOrCompute(this, static self => Hash.Compute(Canonical.Encode(self)));

    /// <summary>Bytes of the canonical encoding: version, namespace, length prefix, payload.</summary>
    public int EncodedSize => 1 + sizeof(ulong) + sizeof(uint) + _payload.Length;

    public void Encode(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteU8(Version);
        writer.WriteU64(Namespace);
        writer.WriteBytes(_payload);
    }

    public static Transaction Decode(ref CanonicalReader reader)
    {
        reader.ExpectVersion(Version, "transaction");
        var ns = reader.ReadU64("transaction namespace");
        var payload = reader.ReadBytes(Limits.TransactionPayloadBytesMax, "transaction payload");
        return new Transaction(ns, payload.ToArray());
    }

    public bool Equals(Transaction? other) =>
        other is not null && Namespace == other.Namespace && _payload.AsSpan().SequenceEqual(other._payload);

    public override bool Equals(object? obj) => Equals(obj as Transaction);

    public override int GetHashCode() => Hash.GetHashCode();

    public override string ToString() => $"Transaction(ns {Namespace}, {_payload.Length} bytes, {Hash.ToHex()[..8]})";
}
