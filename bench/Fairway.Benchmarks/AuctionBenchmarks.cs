using BenchmarkDotNet.Attributes;
using Fairway.Core.Auction;
using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Ordering.Auction;

namespace Fairway.Benchmarks;

/// <summary>
/// What deciding one auction costs every validator at an epoch's first height: <see cref="Bids"/> sealed bids from as
/// many bidders, each signature checked (Ed25519 through libsodium), the second-price rule applied. 4,096 is the most
/// one auction reads.
/// </summary>
[MemoryDiagnoser]
public class AuctionBenchmarks
{
    [Params(100, 4_096)]
    public int Bids { get; set; }

    private (AuctionBid Bid, Hash Carrier)[] _bids = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        _bids = [.. Enumerable.Range(0, Bids).Select(i =>
        {
            var bidder = Ed25519Signer.FromSeedPhrase($"bench-bidder-{i}");
            return (AuctionBid.Sign(Fixtures.ChainId, 4, 9, (ulong)random.Next(1, 1_000_000), bidder), Fixtures.RandomHash(random));
        })];
        _checked = [.. _bids.Select(b => b.Bid)];
    }

    private HashSet<AuctionBid> _checked = [];

    /// <summary>Signatures checked here, all at the deciding height.</summary>
    [Benchmark]
    public AuctionResult Decide() => AuctionRule.Decide(Fixtures.ChainId, 4, 9, 10, _bids, _ => ulong.MaxValue, Hash.Compute("seed"u8), Ed25519Verifier.Instance);

    /// <summary>As the node decides: signatures were checked as each bid was revealed, heights before.</summary>
    [Benchmark]
    public AuctionResult DecideChecked() =>
        AuctionRule.Decide(Fixtures.ChainId, 4, 9, 10, _bids, _ => ulong.MaxValue, Hash.Compute("seed"u8), Ed25519Verifier.Instance, _checked.Contains);
}
