using BenchmarkDotNet.Attributes;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Benchmarks;

/// <summary>Canonical encoding of a block: a large one (67-of-100 QC, 100 batch digests) and a small one (3-of-4 QC).</summary>
[MemoryDiagnoser]
public class EncodingBenchmarks
{
    private Block _large = null!;
    private Block _small = null!;
    private byte[] _largeBytes = null!;
    private byte[] _smallBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var digests = Enumerable.Range(0, 100).Select(_ => Fixtures.RandomHash(random)).ToArray();
        _large = new Block(Fixtures.ChainId, 1001, 1000, 7, 1_700_000_000_000, Fixtures.RandomQc(random, 67, 1000), null, digests);
        _small = new Block(Fixtures.ChainId, 1001, 1000, 2, 1_700_000_000_000, Fixtures.RandomQc(random, 3, 1000), null, digests[..1]);
        _largeBytes = Canonical.Encode(_large);
        _smallBytes = Canonical.Encode(_small);
        if (Decode(_largeBytes).Hash != _large.Hash || Decode(_smallBytes).Hash != _small.Hash)
        {
            throw new InvalidOperationException("block does not round-trip");
        }
    }

    private static Block Decode(byte[] bytes) => Canonical.Decode<Block>(bytes, Block.Decode, "block");

    [Benchmark(Description = "Encode block (QC 67/100, 100 digests)")]
    public byte[] EncodeLarge() => Canonical.Encode(_large);

    [Benchmark(Description = "Decode block (QC 67/100, 100 digests)")]
    public Block DecodeLarge() => Decode(_largeBytes);

    [Benchmark(Description = "Hash block (QC 67/100, 100 digests)")]
    public Hash HashLarge() => Hash.Compute(Canonical.Encode(_large));

    [Benchmark(Description = "Encode block (QC 3/4, 1 digest)")]
    public byte[] EncodeSmall() => Canonical.Encode(_small);

    [Benchmark(Description = "Decode block (QC 3/4, 1 digest)")]
    public Block DecodeSmall() => Decode(_smallBytes);

    [Benchmark(Description = "Hash block (QC 3/4, 1 digest)")]
    public Hash HashSmall() => Hash.Compute(Canonical.Encode(_small));
}
