using BenchmarkDotNet.Attributes;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Inclusion;
using Fairway.Core.Validators;
using Fairway.Ordering.Fair;

namespace Fairway.Benchmarks;

/// <summary>
/// The fair lane's work per block: four validators' lists of <see cref="Entries"/> transactions each (mostly the same
/// transactions, as under load), decoded from the wire, counted for inclusion and ordered. Divide by the entries to get
/// the cost per listed transaction that every validator pays for every block.
/// </summary>
[MemoryDiagnoser]
public class FairLaneBenchmarks
{
    [Params(1_000, 16_384)]
    public int Entries { get; set; }

    private CandidateList[] _lists = [];
    private byte[][] _encoded = [];
    private ValidatorSet _validators = null!;
    private Core.Chain.Block _block = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var signers = Fixtures.Signers("keyed-hash", 4);
        _validators = Fixtures.ValidatorSet(signers);
        var transactions = Enumerable.Range(0, Entries).Select(_ => Fixtures.RandomHash(random)).ToArray();
        var batches = Enumerable.Range(0, Math.Max(1, Entries / 100)).Select(_ => Fixtures.RandomHash(random)).ToArray();
        _lists = [.. signers.Select((signer, v) => CandidateList.Sign(
            Fixtures.ChainId,
            5,
            (ushort)v,
            1_000_000,
            0,
            transactions.Select((t, i) => new CandidateEntry(t, 900_000 + (ulong)i + (ulong)random.Next(0, 20), batches[i % batches.Length]))
                .Where(_ => random.Next(0, 50) != 0),
            signer))];
        _encoded = [.. _lists.Select(Canonical.Encode)];
        var parent = new Core.Chain.QuorumCertificate(4, Fixtures.RandomHash(random), []);
        _block = new Core.Chain.Block(Fixtures.ChainId, 5, 5, 0, 1_000_000, parent, null, [Fixtures.RandomHash(random)], [], _lists);
    }

    /// <summary>A fair block's encoding, as hashing, storing and sending it each need (the lists' own bytes are kept).</summary>
    [Benchmark]
    public int EncodeBlock() => Canonical.Encode(_block).Length;

    [Benchmark]
    public int DecodeLists()
    {
        var total = 0;
        foreach (var bytes in _encoded)
        {
            var reader = new CanonicalReader(bytes);
            total += CandidateList.Decode(ref reader).Entries.Count;
        }

        return total;
    }

    [Benchmark]
    // A fresh collection each time: results are remembered per collection.
    public int Eligible() => FairInclusion.Eligible([.. _lists], _validators).Count;

    [Benchmark]
    public int Include() => FairInclusion.Include(_lists, _validators, _ => false, 0, Hash.Zero).Included.Count;
}
