using Fairway.Simulation;

namespace Fairway.MevLab;

/// <summary>
/// The MEV lab: the same seeded order flow through each sequencer twice, once with its adversary and once without, on
/// the whole-node simulator; the AMM rollup executed on each output; and what the adversary's ordering power took.
/// </summary>
public static class Lab
{
    public static IReadOnlyList<SequencerResult> Run(LabOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [.. options.Sequencers.Select(name => RunSequencer(options, name, progress))];
    }

    private static SequencerResult RunSequencer(LabOptions options, string name, Action<string>? progress)
    {
        double profit = 0, extracted = 0, loss = 0, notional = 0;
        int orders = 0, included = 0, tried = 0, succeeded = 0, sniped = 0, snipesTried = 0, liquidations = 0;
        double bonusAdversary = 0, bonusOthers = 0, bonusHonestRun = 0;
        int exercises = 0, exercisesHeld = 0, exercisesDelayed = 0, exercisesExpiredHonestRun = 0;
        double delayedValueLost = 0, holderValueLost = 0;
        double pricePaid = 0, pricesTotal = 0, rebatesUsers = 0, rebatesAdversary = 0;
        int lanesWon = 0, auctionEpochs = 0;
        var heldExerciseDelays = new List<double>();
        var honestExerciseDelays = new List<double>();
        var victimDelays = new List<double>();
        var userDelays = new List<double>();
        for (var k = 0; k < options.Seeds; k++)
        {
            var seed = options.Seed + (ulong)k;
            var (honest, honestPerps, honestOptions) = Simulate(name, adversarial: false, seed, options);
            var (attacked, perps, optionsFlow) = Simulate(name, adversarial: true, seed, options);

            // Users' losses are in the token they bought; counted in A at the honest run's close.
            var aPerB = honest.State.ReserveA / (double)honest.State.ReserveB;
            profit += attacked.Attacks.Sum(a => attacked.ProfitOf(a));
            extracted += attacked.Attacks.Where(attacked.Succeeded).Sum(a => Math.Max(0, attacked.ProfitOf(a)));

            loss += attacked.Orders.Sum(o => o.SellA ? o.LossOut * aPerB : o.LossOut);
            notional += attacked.Orders.Sum(o => o.SellA ? o.AmountIn : o.AmountIn * aPerB);
            orders += attacked.Orders.Count;
            included += attacked.Orders.Count(o => o.IncludedMs is not null);
            tried += attacked.Attacks.Count;
            succeeded += attacked.Attacks.Count(attacked.Succeeded);
            var byHash = attacked.OrdersByHash;
            victimDelays.AddRange(attacked.Attacks.Select(a => byHash[a.Victim]).Where(o => o.IncludedMs is not null).Select(o => (double)(o.IncludedMs!.Value - o.SubmittedMs)));
            userDelays.AddRange(attacked.Orders.Where(o => o.IncludedMs is not null).Select(o => (double)(o.IncludedMs!.Value - o.SubmittedMs)));

            // Liquidations stay in micro-USD, apart from the AMM's token A: the two markets share no price to convert at.
            sniped += perps.Sniped;
            snipesTried += perps.SnipesTried;
            liquidations += perps.Sniped + perps.HonestLiquidations;
            bonusAdversary += perps.AdversaryBonus;
            bonusOthers += perps.OthersBonus;
            bonusHonestRun += honestPerps.OthersBonus;
            // Exercises in micro-USD of options collateral, like the liquidation bonuses.
            exercises += optionsFlow.ExercisesSent;
            exercisesHeld += optionsFlow.ExercisesHeld;
            exercisesDelayed += optionsFlow.ExercisesDelayed;
            exercisesExpiredHonestRun += honestOptions.ExercisesExpired;
            delayedValueLost += optionsFlow.DelayedValueLost;
            holderValueLost += (double)honestOptions.HolderValue - optionsFlow.HolderValue;
            heldExerciseDelays.AddRange(optionsFlow.HeldDelaysMs);
            lanesWon += attacked.LanesWon;
            auctionEpochs += attacked.AuctionEpochs;
            pricePaid += attacked.LanePricePaid;
            pricesTotal += attacked.LanePricesTotal;
            rebatesUsers += attacked.RebatesToTraders;
            rebatesAdversary += attacked.RebatesToAdversary;
            honestExerciseDelays.AddRange(honestOptions.DelaysMs);
            progress?.Invoke($"{name} seed {seed}: {attacked.Attacks.Count} sandwiches tried, {attacked.Attacks.Count(attacked.Succeeded)} closed; "
                + $"{perps.SnipesTried} liquidations sniped at, {perps.Sniped} won, of {perps.Sniped + perps.HonestLiquidations}; "
                + $"{optionsFlow.ExercisesHeld} exercises held, {optionsFlow.ExercisesDelayed} past expiry, of {optionsFlow.ExercisesSent}");
        }

        return new SequencerResult
        {
            Name = name,
            AdversaryProfit = profit,
            Extracted = extracted,
            UserLoss = loss,
            Notional = notional,
            Orders = orders,
            OrdersIncluded = included,
            AttacksTried = tried,
            AttacksSucceeded = succeeded,
            LiquidationsSniped = sniped,
            LiquidationSnipesTried = snipesTried,
            Liquidations = liquidations,
            LiquidationBonusAdversary = bonusAdversary,
            LiquidationBonusOthers = bonusOthers,
            LiquidationBonusHonestRun = bonusHonestRun,
            Exercises = exercises,
            ExercisesHeld = exercisesHeld,
            ExercisesDelayed = exercisesDelayed,
            ExercisesExpiredHonestRun = exercisesExpiredHonestRun,
            DelayedExerciseValueLost = delayedValueLost,
            HolderValueLost = holderValueLost,
            HeldExerciseDelaysMs = heldExerciseDelays,
            HonestExerciseDelaysMs = honestExerciseDelays,
            VictimDelaysMs = victimDelays,
            UserDelaysMs = userDelays,
            Runs = options.Seeds,
            AuctionLanesWon = lanesWon,
            AuctionEpochs = auctionEpochs,
            AuctionPricePaid = pricePaid,
            AuctionPricesTotal = pricesTotal,
            RebatesToUsers = rebatesUsers,
            RebatesToAdversary = rebatesAdversary,
        };
    }

    private static (AmmMarketFlow Amm, PerpsMarketFlow Perps, OptionsMarketFlow Options) Simulate(string name, bool adversarial, ulong seed, LabOptions options) =>
        Simulate(name, adversarial, adversarial, seed, options);

    /// <summary>
    /// One run. <paramref name="flowAdversarial"/> apart from <paramref name="adversarial"/> lets a test give the flows
    /// their adversary's intent on a network where no one has the power to act on it.
    /// </summary>
    internal static (AmmMarketFlow Amm, PerpsMarketFlow Perps, OptionsMarketFlow Options) Simulate(
        string name, bool adversarial, bool flowAdversarial, ulong seed, LabOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var amm = new AmmMarketFlow(seed, options.Traders, flowAdversarial);
        var perps = new PerpsMarketFlow(seed, flowAdversarial);
        var optionsFlow = new OptionsMarketFlow(flowAdversarial);

        // The options market reads the oracle from every output but owns only its own namespace for reactions.
        var flow = new CompositeFlow([
            (new HashSet<ulong> { AmmMarketFlow.AmmNamespace }, amm),
            (new HashSet<ulong> { PerpsMarketFlow.OracleNamespace, PerpsMarketFlow.PerpsNamespace }, perps),
            (new HashSet<ulong> { OptionsMarketFlow.OptionsNamespace }, optionsFlow),
        ]);
        var result = Simulator.Run(Sequencer.Options(name, adversarial, seed, options.Minutes, flow));

        // The lab's figures mean nothing on a network that broke: the simulator's own invariants must hold.
        if (result.SafetyViolations.Count > 0 || result.LivenessFailure is not null)
        {
            throw new InvalidOperationException(
                $"the {name} network broke in the lab (seed {seed}): {string.Join("; ", result.SafetyViolations.Take(3))} {result.LivenessFailure}");
        }

        return (amm, perps, optionsFlow);
    }
}
