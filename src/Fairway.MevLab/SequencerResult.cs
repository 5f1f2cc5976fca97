namespace Fairway.MevLab;

/// <summary>
/// What one sequencer cost users over the lab's seeds. AMM amounts are in base units of token A (token B counted at the
/// honest run's closing price), liquidation bonuses in micro-USD of perps collateral; the premium is the users' loss per unit of notional they traded, in basis points.
/// </summary>
public sealed record SequencerResult
{
    public required string Name { get; init; }

    /// <summary>Net: what its closed sandwiches took, less what its failed attempts cost it (fees, guarded legs that filled alone).</summary>
    public required double AdversaryProfit { get; init; }

    /// <summary>Gross: what its closed sandwiches took. The value the sequencer's ordering extracted.</summary>
    public required double Extracted { get; init; }

    public required double UserLoss { get; init; }

    public required double Notional { get; init; }

    public required int Orders { get; init; }

    public required int OrdersIncluded { get; init; }

    public required int AttacksTried { get; init; }

    public required int AttacksSucceeded { get; init; }

    /// <summary>Liquidations the adversary won by ordering itself ahead of a liquidator that was first.</summary>
    public required int LiquidationsSniped { get; init; }

    /// <summary>Liquidations the adversary sent ahead of a competitor's it had read.</summary>
    public required int LiquidationSnipesTried { get; init; }

    /// <summary>Liquidations that paid a bonus in the attacked runs, whoever won them.</summary>
    public required int Liquidations { get; init; }

    /// <summary>Liquidation bonus the adversary took by sniping, micro-USD (the perps collateral; not token A).</summary>
    public required double LiquidationBonusAdversary { get; init; }

    /// <summary>Liquidation bonus the honest liquidators kept, micro-USD.</summary>
    public required double LiquidationBonusOthers { get; init; }

    /// <summary>What the honest liquidators took in the runs without the adversary, micro-USD: less the above, what sniping cost them.</summary>
    public required double LiquidationBonusHonestRun { get; init; }

    /// <summary>Exercises the options holders sent in the attacked runs.</summary>
    public required int Exercises { get; init; }

    /// <summary>Exercises the adversary (the options market maker) read and held out of what it placed.</summary>
    public required int ExercisesHeld { get; init; }

    /// <summary>Held exercises that landed at or after their series' expiry (failed "expired"), settled at the expiry price instead.</summary>
    public required int ExercisesDelayed { get; init; }

    /// <summary>Exercises that failed "expired" in the runs without the adversary: how many miss expiry with no one holding them.</summary>
    public required int ExercisesExpiredHonestRun { get; init; }

    /// <summary>Over the delayed exercises, micro-USD: their value at the price when sent less what settlement paid. Signed.</summary>
    public required double DelayedExerciseValueLost { get; init; }

    /// <summary>Holders' value (balances and open positions at the last price), micro-USD, in the honest runs less in the attacked ones.</summary>
    public required double HolderValueLost { get; init; }

    /// <summary>Inclusion delays of the exercises the adversary held (submission to the output carrying them; a missed expiry does not stop the clock).</summary>
    public required IReadOnlyList<double> HeldExerciseDelaysMs { get; init; }

    /// <summary>Inclusion delays of every exercise in the runs without the adversary.</summary>
    public required IReadOnlyList<double> HonestExerciseDelaysMs { get; init; }

    /// <summary>Inclusion delays of the swaps the adversary attacked (submission to the output carrying them).</summary>
    public required IReadOnlyList<double> VictimDelaysMs { get; init; }

    /// <summary>Inclusion delays of every trader's swap.</summary>
    public required IReadOnlyList<double> UserDelaysMs { get; init; }

    public required int Runs { get; init; }

    /// <summary>Under <c>auction</c>: express lanes of the AMM namespace the adversary won, over the attacked runs.</summary>
    public int AuctionLanesWon { get; init; }

    /// <summary>Auctions of the AMM namespace decided in the attacked runs (one per epoch).</summary>
    public int AuctionEpochs { get; init; }

    /// <summary>What the adversary paid for its lanes, token A: value it passed on to the rebate pool.</summary>
    public double AuctionPricePaid { get; init; }

    /// <summary>What the AMM namespace's lanes sold for, whoever won them.</summary>
    public double AuctionPricesTotal { get; init; }

    /// <summary>Of the settled prices, what the traders got back, token A.</summary>
    public double RebatesToUsers { get; init; }

    /// <summary>Of the settled prices, what came back to the adversary: its own swaps count as users' too.</summary>
    public double RebatesToAdversary { get; init; }

    /// <summary>The adversary's net profit after what it paid for priority and what came back to it.</summary>
    public double AdversaryProfitNetOfAuction => AdversaryProfit - AuctionPricePaid + RebatesToAdversary;

    /// <summary>The users' loss less what the auction rebated them: what the sequencer's ordering really cost them.</summary>
    public double UserNetLoss => UserLoss - RebatesToUsers;

    public double RiskPremiumBps => Notional <= 0 ? 0 : UserLoss / Notional * 10_000;

    public double VictimDelayP50Ms => Percentile(VictimDelaysMs, 0.5);

    public double VictimDelayMeanMs => VictimDelaysMs.Count == 0 ? 0 : VictimDelaysMs.Average();

    public double VictimDelayMaxMs => VictimDelaysMs.Count == 0 ? 0 : VictimDelaysMs.Max();

    public double UserDelayP50Ms => Percentile(UserDelaysMs, 0.5);

    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
    }
}
