using Fairway.Core.Auction;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Market;

namespace Fairway.Rollups.Perps;

/// <summary>
/// What the perps namespace's express-lane auction reads of the perps rollup: the rollup itself, run over the certified
/// outputs as a perps executor runs it (the same <see cref="MarketState"/> over the oracle, perps and options
/// namespaces, with the same feeder and market maker), so the deposit a bid is counted against is the deposit the
/// rollup will charge, auction records included.
/// </summary>
public sealed class PerpsAuctionView : IAuctionView
{
    private readonly ulong _oracleNamespace;
    private readonly ulong _perpsNamespace;
    private readonly ulong _optionsNamespace;

    /// <summary>The market executor's configuration: the three namespaces (distinct), the oracle's feeder, the options' market maker.</summary>
    public PerpsAuctionView(ulong oracleNamespace, ulong perpsNamespace, ulong optionsNamespace, PublicKey feeder, PublicKey marketMaker)
    {
        Market = new MarketState(oracleNamespace, perpsNamespace, optionsNamespace, feeder, marketMaker);
        (_oracleNamespace, _perpsNamespace, _optionsNamespace) = (oracleNamespace, perpsNamespace, optionsNamespace);
    }

    /// <summary>The market as of <see cref="Height"/>.</summary>
    public MarketState Market { get; }

    /// <summary>The height of the last output applied; 0 before the first.</summary>
    public ulong Height { get; private set; }

    /// <summary>
    /// Applies one height: the output's transactions of the three namespaces, each namespace in output order, through
    /// <see cref="MarketState.ApplyHeight"/>; other namespaces are not read. Heights must ascend (applying one twice
    /// would charge its records twice): an output at or below <see cref="Height"/> throws <see cref="ArgumentException"/>.
    /// </summary>
    public void Apply(BlockOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.Height <= Height)
        {
            throw new ArgumentException($"the output of height {output.Height} does not follow height {Height}, the last applied", nameof(output));
        }

        var oracle = new List<ReadOnlyMemory<byte>>();
        var perps = new List<ReadOnlyMemory<byte>>();
        var options = new List<ReadOnlyMemory<byte>>();
        foreach (var tx in output.Transactions)
        {
            var stream = tx.Namespace == _oracleNamespace ? oracle
                : tx.Namespace == _perpsNamespace ? perps
                : tx.Namespace == _optionsNamespace ? options
                : null;
            stream?.Add(tx.Payload);
        }

        Market.ApplyHeight(oracle, perps, options, Ed25519Verifier.Instance);
        Height = output.Height;
    }

    /// <summary>The account's auction deposit, micro-USD; 0 for a key the rollup holds no account for.</summary>
    public ulong DepositOf(PublicKey bidder) => Market.Perps.Find(bidder)?.AuctionDeposit ?? 0;

    /// <summary>
    /// The sender a payload names when it decodes as a <see cref="RollupTransaction"/>, of any kind (the signature is not
    /// checked); null for anything else, bundle envelopes and auction records included.
    /// </summary>
    public PublicKey? UserOf(ReadOnlySpan<byte> payload) => RollupTransaction.TryDecode(payload)?.Sender;
}
