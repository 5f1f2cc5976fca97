using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Options;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Perps;

namespace Fairway.Rollups.Market;

/// <summary>What became of each payload of one height, aligned with the three streams given.</summary>
public sealed record MarketReceipts(IReadOnlyList<RollupReceipt> Oracle, IReadOnlyList<RollupReceipt> Perps, IReadOnlyList<RollupReceipt> Options);

/// <summary>
/// The oracle, perps and options rollups together, as any of their executors runs them: each follows all three
/// namespaces, so it can evaluate a bundle's legs over both rollups' states at the bundle's position, and every
/// executor, whichever rollup it serves, applies or reverts the same bundles. See <see cref="ApplyHeight"/>.
/// </summary>
public sealed class MarketState
{
    public MarketState(ulong oracleNamespace, ulong perpsNamespace, ulong optionsNamespace, PublicKey feeder, PublicKey marketMaker)
        : this(new OracleState(oracleNamespace, feeder), new PerpsState(perpsNamespace), new OptionsState(optionsNamespace, marketMaker))
    {
    }

    private MarketState(OracleState oracle, PerpsState perps, OptionsState options)
    {
        if (oracle.Namespace == perps.Namespace || oracle.Namespace == options.Namespace || perps.Namespace == options.Namespace)
        {
            throw new ArgumentException("the oracle, perps and options namespaces must differ");
        }

        Oracle = oracle;
        Perps = perps;
        Options = options;
    }

    public OracleState Oracle { get; }

    public PerpsState Perps { get; private set; }

    public OptionsState Options { get; private set; }

    /// <summary>
    /// Applies one height of the three namespaces. First every oracle payload, each applied update passed on to perps
    /// and options. Then perps and options in their own stream order, where a bundle's payloads are synchronisation
    /// points: each stream runs up to its next bundle payload; at a bundle (perps' first when both streams wait at
    /// one), its payloads must be the next contiguous run in every namespace it has legs in. Then all legs run, in leg
    /// order, on copies of both states, and both copies are kept only if every leg applied. A bundle whose run is
    /// missing from another stream at that point fails alone, and only its own run is consumed.
    /// </summary>
    public MarketReceipts ApplyHeight(
        IReadOnlyList<ReadOnlyMemory<byte>> oracle,
        IReadOnlyList<ReadOnlyMemory<byte>> perps,
        IReadOnlyList<ReadOnlyMemory<byte>> options,
        ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        ArgumentNullException.ThrowIfNull(perps);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(verifier);
        var oracleReceipts = new List<RollupReceipt>(oracle.Count);
        foreach (var payload in oracle)
        {
            var receipt = Oracle.Apply(payload.Span, verifier);
            if (receipt.IsApplied)
            {
                Perps.OnOracleUpdate(Oracle.Price, Oracle.Timestamp);
                Options.OnOracleUpdate(Oracle.Price, Oracle.Timestamp);
            }

            oracleReceipts.Add(receipt);
        }

        var streams = new[] { new NamespaceStream(Perps.Namespace, perps), new NamespaceStream(Options.Namespace, options) };
        while (true)
        {
            foreach (var stream in streams)
            {
                while (!stream.Done && stream.EnvelopeAt(stream.Cursor) is null)
                {
                    stream.Receipts[stream.Cursor] = ApplyOne(stream.Namespace, stream.Payloads[stream.Cursor].Span, verifier);
                    stream.Cursor++;
                }
            }

            var first = streams.FirstOrDefault(s => !s.Done);
            if (first is null)
            {
                break;
            }

            ApplyBundle(first, streams, verifier);
        }

        return new MarketReceipts(oracleReceipts, streams[0].Receipts, streams[1].Receipts);
    }

    /// <summary>SHA-256 of "fairway/rollup/market/root/v1" and the oracle's, perps' and options' roots.</summary>
    public Hash StateRoot()
    {
        var writer = new CanonicalWriter(32 + (3 * Hash.Size));
        writer.WriteRaw("fairway/rollup/market/root/v1"u8);
        writer.WriteHash(Oracle.StateRoot());
        writer.WriteHash(Perps.StateRoot());
        writer.WriteHash(Options.StateRoot());
        return Hash.Compute(writer.WrittenSpan);
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter();
        writer.WriteRaw(StateDomain);
        writer.WriteBytes(Oracle.Encode());
        writer.WriteBytes(Perps.Encode());
        writer.WriteBytes(Options.Encode());
        return writer.ToArray();
    }

    /// <summary>A state from <see cref="Encode"/>; anything malformed throws <see cref="EncodingException"/>.</summary>
    public static MarketState Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = Admission.OpenState(bytes, StateDomain, "a market state");
        var oracle = OracleState.Decode(reader.ReadBytes(int.MaxValue, "oracle state"));
        var perps = PerpsState.Decode(reader.ReadBytes(int.MaxValue, "perps state"));
        var options = OptionsState.Decode(reader.ReadBytes(int.MaxValue, "options state"));
        reader.EnsureEnd("market state");
        if (oracle.Namespace == perps.Namespace || oracle.Namespace == options.Namespace || perps.Namespace == options.Namespace)
        {
            throw new EncodingException("the oracle, perps and options namespaces must differ");
        }

        return new MarketState(oracle, perps, options);
    }

    private static ReadOnlySpan<byte> StateDomain => "fairway/rollup/market/state/v1"u8;

    private RollupReceipt ApplyOne(ulong ns, ReadOnlySpan<byte> payload, ISignatureVerifier verifier) =>
        ns == Perps.Namespace ? Perps.Apply(payload, verifier) : Options.Apply(payload, verifier);

    private void ApplyBundle(NamespaceStream first, NamespaceStream[] streams, ISignatureVerifier verifier)
    {
        var envelope = first.EnvelopeAt(first.Cursor)!;
        var id = envelope.BundleId;
        var runs = streams.ToDictionary(s => s.Namespace, s => s == first || envelope.Legs.Any(l => l.Namespace == s.Namespace) ? s.RunOf(id) : 0);

        if (envelope.Legs.FirstOrDefault(l => l.Namespace != Perps.Namespace && l.Namespace != Options.Namespace) is { } foreign)
        {
            Conclude(first, runs[first.Namespace], RollupReceipt.Failed($"bundle reverted: a leg in namespace {foreign.Namespace}, which this market does not run"));
            return;
        }

        if (streams.FirstOrDefault(s => s != first && runs[s.Namespace] == 0 && envelope.Legs.Any(l => l.Namespace == s.Namespace)) is { } missing)
        {
            Conclude(first, runs[first.Namespace], RollupReceipt.Failed($"bundle reverted: its leg in namespace {missing.Namespace} is not next there"));
            return;
        }

        // Every leg's payload exactly once, in its own namespace's run.
        var complete = streams.All(s =>
        {
            var indexes = Enumerable.Range(s.Cursor, runs[s.Namespace]).Select(i => s.EnvelopeAt(i)!.LegIndex).Order().ToList();
            var expected = Enumerable.Range(0, envelope.Legs.Count).Where(i => envelope.Legs[i].Namespace == s.Namespace).ToList();
            return indexes.SequenceEqual(expected);
        });
        var (legs, error) = complete ? envelope.Open() : (null, "its payloads are not one per leg, each in its leg's namespace");
        if (legs is null)
        {
            foreach (var stream in streams)
            {
                Conclude(stream, runs[stream.Namespace], RollupReceipt.Failed($"bundle reverted: {error}"));
            }

            return;
        }

        var perps = PerpsState.Decode(Perps.Encode());
        var options = OptionsState.Decode(Options.Encode());
        var legReceipts = new RollupReceipt[legs.Count];
        string? failure = null;
        for (var i = 0; i < legs.Count && failure is null; i++)
        {
            var leg = legs[i];
            legReceipts[i] = leg.Namespace == Perps.Namespace
                ? perps.ApplyLeg(leg.Transaction, leg.Body, verifier)
                : options.ApplyLeg(leg.Transaction, leg.Body, verifier);
            if (!legReceipts[i].IsApplied)
            {
                failure = $"bundle reverted: leg {i}: {legReceipts[i].Reason}";
            }
        }

        if (failure is null)
        {
            Perps = perps;
            Options = options;
            foreach (var stream in streams)
            {
                for (var i = 0; i < runs[stream.Namespace]; i++)
                {
                    stream.Receipts[stream.Cursor + i] = legReceipts[stream.EnvelopeAt(stream.Cursor + i)!.LegIndex];
                }

                stream.Cursor += runs[stream.Namespace];
            }

            return;
        }

        // A well-formed bundle that reverts still uses its legs' nonces (as a failed transaction does), so the same
        // bundle cannot be replayed later; nothing else changes.
        foreach (var leg in legs)
        {
            _ = leg.Namespace == Perps.Namespace ? Perps.UseNonce(leg.Transaction, verifier) : Options.UseNonce(leg.Transaction, verifier);
        }

        foreach (var stream in streams)
        {
            Conclude(stream, runs[stream.Namespace], RollupReceipt.Failed(failure));
        }
    }

    private static void Conclude(NamespaceStream stream, int run, RollupReceipt receipt)
    {
        for (var i = 0; i < run; i++)
        {
            stream.Receipts[stream.Cursor + i] = receipt;
        }

        stream.Cursor += run;
    }

    /// <summary>One namespace's payloads in a height, where the market has got to, and their envelopes, decoded once.</summary>
    private sealed class NamespaceStream(ulong ns, IReadOnlyList<ReadOnlyMemory<byte>> payloads)
    {
        private readonly BundleEnvelope?[] _envelopes = [.. payloads.Select(p => BundleEnvelope.TryDecode(p.Span))];

        public ulong Namespace { get; } = ns;

        public IReadOnlyList<ReadOnlyMemory<byte>> Payloads { get; } = payloads;

        public RollupReceipt[] Receipts { get; } = new RollupReceipt[payloads.Count];

        public int Cursor { get; set; }

        public bool Done => Cursor >= Payloads.Count;

        public BundleEnvelope? EnvelopeAt(int index) => _envelopes[index];

        /// <summary>How many payloads from the cursor on are envelopes of this bundle.</summary>
        public int RunOf(Hash id)
        {
            var end = Cursor;
            while (end < Payloads.Count && _envelopes[end]?.BundleId == id)
            {
                end++;
            }

            return end - Cursor;
        }
    }
}
