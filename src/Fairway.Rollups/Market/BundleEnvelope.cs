using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Accounts;

namespace Fairway.Rollups.Market;

/// <summary>One leg a client wants in a bundle, before it is signed: which rollup, which kind, the sender's nonce there, the body.</summary>
public sealed record BundleLegRequest(ulong Namespace, byte Kind, ulong Nonce, byte[] Body, ISigner Signer);

/// <summary>A leg as the bundle carries it: its namespace and its signed transaction.</summary>
public sealed record BundleLegEntry(ulong Namespace, byte[] Transaction);

/// <summary>A leg opened for execution: the transaction and its body after the commitment.</summary>
internal sealed record OpenedLeg(ulong Namespace, RollupTransaction Transaction, byte[] Body);

/// <summary>
/// The payload a bundle puts in each namespace it touches: every leg of the bundle, and which leg this payload is.
/// Each leg's transaction is signed by its sender with the leg flag in its kind and, before its own body, a commitment
/// to every leg's namespace, kind, sender, nonce and body: so no leg executes outside this exact bundle. The bundle id
/// is the hash of the legs; every payload of one bundle carries the same legs, hence the same id.
/// </summary>
public sealed class BundleEnvelope
{
    public const byte Version = 1;

    public const int LegsMin = 2;

    public const int LegsMax = 8;

    /// <summary>The largest encoded <see cref="RollupTransaction"/>: version, kind, sender, nonce, body, signature.</summary>
    public const int TransactionMax = 1 + 1 + PublicKey.Size + 8 + 4 + RollupTransaction.BodyMax + Signature.Size;

    private BundleEnvelope(IReadOnlyList<BundleLegEntry> legs, int legIndex, Hash bundleId)
    {
        Legs = legs;
        LegIndex = legIndex;
        BundleId = bundleId;
    }

    /// <summary>"fwbd": no rollup transaction starts so (they start with their version, 1).</summary>
    public static ReadOnlySpan<byte> Magic => "fwbd"u8;

    public IReadOnlyList<BundleLegEntry> Legs { get; }

    public int LegIndex { get; }

    public Hash BundleId { get; }

    /// <summary>This payload's leg.</summary>
    public BundleLegEntry Leg => Legs[LegIndex];

    /// <summary>Signs every leg and returns one payload per leg, in leg order: payload i goes to legs[i]'s namespace.</summary>
    public static IReadOnlyList<byte[]> Build(IReadOnlyList<BundleLegRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count is < LegsMin or > LegsMax)
        {
            throw new ArgumentException($"a bundle has {LegsMin} to {LegsMax} legs", nameof(requests));
        }

        if (requests.Any(r => r.Body.Length > RollupTransaction.BodyMax - BundleLeg.CommitmentSize || BundleLeg.IsLeg(r.Kind)))
        {
            throw new ArgumentException($"a leg's body is at most {RollupTransaction.BodyMax - BundleLeg.CommitmentSize} bytes and its kind below {BundleLeg.KindFlag}", nameof(requests));
        }

        var flagged = requests.Select(r => r with { Kind = (byte)(r.Kind | BundleLeg.KindFlag) }).ToList();
        var commitment = Commitment(flagged.Select(r => (r.Namespace, r.Kind, r.Signer.PublicKey, r.Nonce, r.Body)).ToList());
        var legs = flagged
            .Select(r => new BundleLegEntry(r.Namespace, RollupTransaction.Sign(r.Namespace, r.Kind, r.Nonce, [.. commitment.ToArray(), .. r.Body], r.Signer).Encode()))
            .ToList();
        var id = IdOf(legs);
        return [.. Enumerable.Range(0, legs.Count).Select(i => new BundleEnvelope(legs, i, id).Encode())];
    }

    /// <summary>
    /// SHA-256 of "fairway/bundle/legs/v1", the leg count (u32) and, for each leg: namespace (u64), kind (u8, with the
    /// leg flag), sender (32), nonce (u64), body without the commitment (u32 length, bytes).
    /// </summary>
    public static Hash Commitment(IReadOnlyList<(ulong Namespace, byte Kind, PublicKey Sender, ulong Nonce, byte[] Body)> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        var writer = new CanonicalWriter();
        writer.WriteRaw("fairway/bundle/legs/v1"u8);
        writer.WriteCount(legs.Count);
        foreach (var (ns, kind, sender, nonce, body) in legs)
        {
            writer.WriteU64(ns);
            writer.WriteU8(kind);
            writer.WritePublicKey(sender);
            writer.WriteU64(nonce);
            writer.WriteBytes(body);
        }

        return Hash.Compute(writer.WrittenSpan);
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter();
        writer.WriteRaw(Magic);
        writer.WriteU8(Version);
        WriteLegs(writer, Legs);
        writer.WriteU8((byte)LegIndex);
        return writer.ToArray();
    }

    /// <summary>The envelope a payload encodes, or null (then it is an ordinary payload of its namespace).</summary>
    public static BundleEnvelope? TryDecode(ReadOnlySpan<byte> payload)
    {
        if (!payload.StartsWith(Magic))
        {
            return null;
        }

        try
        {
            var reader = new CanonicalReader(payload[Magic.Length..]);
            reader.ExpectVersion(Version, "bundle envelope");
            var count = reader.ReadCount(LegsMax, "bundle legs");
            if (count < LegsMin)
            {
                return null;
            }

            var legs = new List<BundleLegEntry>(count);
            for (var i = 0; i < count; i++)
            {
                var ns = reader.ReadU64("leg namespace");
                legs.Add(new BundleLegEntry(ns, reader.ReadBytes(TransactionMax, "leg transaction").ToArray()));
            }

            var index = reader.ReadU8("leg index");
            reader.EnsureEnd("bundle envelope");
            return index < count ? new BundleEnvelope(legs, index, IdOf(legs)) : null;
        }
        catch (EncodingException)
        {
            return null;
        }
    }

    /// <summary>Every leg decoded and checked against the commitment, or why the bundle cannot execute.</summary>
    internal (IReadOnlyList<OpenedLeg>? Legs, string? Error) Open()
    {
        var opened = new List<OpenedLeg>(Legs.Count);
        for (var i = 0; i < Legs.Count; i++)
        {
            if (RollupTransaction.TryDecode(Legs[i].Transaction) is not { } tx || !BundleLeg.IsLeg(tx.Kind) || tx.Body.Length < BundleLeg.CommitmentSize)
            {
                return (null, $"leg {i} is not a bundle leg's transaction");
            }

            opened.Add(new OpenedLeg(Legs[i].Namespace, tx, tx.Body[BundleLeg.CommitmentSize..]));
        }

        var commitment = Commitment([.. opened.Select(l => (l.Namespace, l.Transaction.Kind, l.Transaction.Sender, l.Transaction.Nonce, l.Body))]);
        for (var i = 0; i < opened.Count; i++)
        {
            if (!opened[i].Transaction.Body.AsSpan(0, BundleLeg.CommitmentSize).SequenceEqual(commitment.ToArray()))
            {
                return (null, $"leg {i} commits to other legs than these");
            }
        }

        return (opened, null);
    }

    /// <summary>SHA-256 of "fairway/bundle/id/v1" and the legs as encoded in the envelope.</summary>
    private static Hash IdOf(IReadOnlyList<BundleLegEntry> legs)
    {
        var writer = new CanonicalWriter();
        writer.WriteRaw("fairway/bundle/id/v1"u8);
        WriteLegs(writer, legs);
        return Hash.Compute(writer.WrittenSpan);
    }

    private static void WriteLegs(CanonicalWriter writer, IReadOnlyList<BundleLegEntry> legs)
    {
        writer.WriteCount(legs.Count);
        foreach (var leg in legs)
        {
            writer.WriteU64(leg.Namespace);
            writer.WriteBytes(leg.Transaction);
        }
    }
}
