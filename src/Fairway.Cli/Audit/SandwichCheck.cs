using Fairway.Core.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Amm;

namespace Fairway.Cli.Audit;

/// <summary>
/// Sandwiches in an AMM namespace (docs/ROLLUPS.md's swap format). Among the namespace's swaps in output order: a swap
/// F immediately followed by another sender's swap V in the same direction, where F's sender's next swap is in the
/// opposite direction, all three within V's height and the ones either side of it. Payloads that are not AMM swaps are passed over; signatures
/// and nonces are not checked (the rollup skips what fails them, but the pattern shows intent either way).
/// </summary>
internal static class SandwichCheck
{
    private readonly record struct Swap(Hash Tx, ulong Height, string Sender, byte Direction);

    public static List<AuditFinding> Find(IReadOnlyList<AuditedBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var swaps = new List<Swap>();
        foreach (var block in blocks)
        {
            foreach (var tx in block.Transactions)
            {
                if (TryReadSwap(tx.Payload.Span, out var sender, out var direction))
                {
                    swaps.Add(new Swap(tx.Hash, block.Height, sender, direction));
                }
            }
        }

        var findings = new List<AuditFinding>();
        for (var i = 0; i + 2 < swaps.Count; i++)
        {
            var front = swaps[i];
            var victim = swaps[i + 1];
            if (victim.Sender == front.Sender || victim.Direction != front.Direction || front.Height + 1 < victim.Height)
            {
                continue;
            }

            for (var k = i + 2; k < swaps.Count && swaps[k].Height <= victim.Height + 1; k++)
            {
                if (swaps[k].Sender != front.Sender)
                {
                    continue;
                }

                if (swaps[k].Direction != front.Direction)
                {
                    findings.Add(new AuditFinding(FindingKind.Sandwich, victim.Height, front.Tx)
                    {
                        Victim = victim.Tx,
                        BackRun = swaps[k].Tx,
                        BackRunHeight = swaps[k].Height,
                        Sender = front.Sender,
                    });
                }

                break;
            }
        }

        return findings;
    }

    private static bool TryReadSwap(ReadOnlySpan<byte> payload, out string sender, out byte direction)
    {
        sender = "";
        direction = 0;
        if (RollupTransaction.TryDecode(payload) is not { Kind: AmmKind.Swap } tx || AmmState.TryReadSwapBody(tx.Body) is not { } order)
        {
            return false;
        }

        sender = tx.Sender.ToHex();
        direction = order.SellA ? (byte)0 : (byte)1;
        return true;
    }
}
