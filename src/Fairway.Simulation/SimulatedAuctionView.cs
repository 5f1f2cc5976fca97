using Fairway.Core.Auction;
using Fairway.Core.Crypto;
using Fairway.Core.Output;

namespace Fairway.Simulation;

/// <summary>Whose transaction a payload of a simulated namespace is, or null when it names nobody.</summary>
public delegate PublicKey? PayloadUser(ReadOnlySpan<byte> payload);

/// <summary>
/// The simulator's stand-in for the rollup behind an <c>auction</c> namespace: the bidders' deposits as the run set them,
/// each winner's price taken out at its result record and each rebate share paid back into a deposit its user holds,
/// read from the outputs alone (so every host's view is the same function of the same outputs); users as the run's
/// clients are told apart by their payloads.
/// </summary>
internal sealed class SimulatedAuctionView(ulong @namespace, IReadOnlyDictionary<PublicKey, ulong> deposits, PayloadUser userOf) : IAuctionView
{
    private readonly Dictionary<PublicKey, ulong> _balances = new(deposits);

    public void Apply(BlockOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var tx in output.Transactions)
        {
            if (tx.Namespace != @namespace || AuctionRecord.TryDecode(tx.Payload.Span) is not { } record)
            {
                continue;
            }

            if (record is { Kind: AuctionRecordKind.Result, Winner: { } winner })
            {
                _balances[winner] = _balances.GetValueOrDefault(winner) - Math.Min(_balances.GetValueOrDefault(winner), record.Price);
            }

            foreach (var share in record.Shares.Where(s => _balances.ContainsKey(s.User)))
            {
                _balances[share.User] += share.Amount;
            }
        }
    }

    public ulong DepositOf(PublicKey bidder) => _balances.GetValueOrDefault(bidder);

    public PublicKey? UserOf(ReadOnlySpan<byte> payload) => userOf(payload);
}
