using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Fairway.MevLab;

/// <summary>The lab's results as JSON (the figures a researcher cites) and as a Markdown table.</summary>
public static class LabReport
{
    public static JsonObject Json(LabOptions options, IReadOnlyList<SequencerResult> results)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(results);
        var centralized = results.FirstOrDefault(r => r.Name == "centralized");
        var sequencers = new JsonArray();
        foreach (var r in results)
        {
            var victims = r.VictimDelaysMs.Count > 0;
            var entry = new JsonObject
            {
                ["name"] = r.Name,
                ["adversary_profit"] = Round(r.AdversaryProfit),
                ["extracted"] = Round(r.Extracted),
                ["user_loss"] = Round(r.UserLoss),
                ["attacks_tried"] = r.AttacksTried,
                ["attacks_succeeded"] = r.AttacksSucceeded,
                ["liquidations_sniped"] = r.LiquidationsSniped,
                ["liquidation_snipes_tried"] = r.LiquidationSnipesTried,
                ["liquidations"] = r.Liquidations,
                ["liquidation_bonus_adversary"] = Round(r.LiquidationBonusAdversary),
                ["liquidation_bonus_others"] = Round(r.LiquidationBonusOthers),
                ["liquidation_bonus_honest_run"] = Round(r.LiquidationBonusHonestRun),
                ["exercises"] = r.Exercises,
                ["exercises_held"] = r.ExercisesHeld,
                ["exercises_delayed"] = r.ExercisesDelayed,
                ["exercises_expired_honest_run"] = r.ExercisesExpiredHonestRun,
                ["delayed_exercise_value_lost"] = Round(r.DelayedExerciseValueLost),
                ["holder_value_lost"] = Round(r.HolderValueLost),
                ["held_exercise_delay_mean_ms"] = r.HeldExerciseDelaysMs.Count == 0 ? null : Math.Round(r.HeldExerciseDelaysMs.Average(), 1),
                ["exercise_delay_mean_ms_honest_run"] = r.HonestExerciseDelaysMs.Count == 0 ? null : Math.Round(r.HonestExerciseDelaysMs.Average(), 1),

                // Null, not 0, where nobody was attacked: there is no delay to report.
                ["victim_delay_p50_ms"] = victims ? r.VictimDelayP50Ms : null,
                ["victim_delay_mean_ms"] = victims ? Math.Round(r.VictimDelayMeanMs, 1) : null,
                ["victim_delay_max_ms"] = victims ? r.VictimDelayMaxMs : null,
                ["user_delay_p50_ms"] = r.UserDelayP50Ms,
                ["risk_premium_bps"] = Math.Round(r.RiskPremiumBps, 4),
                ["notional"] = Round(r.Notional),
                ["orders"] = r.Orders,
                ["orders_included"] = r.OrdersIncluded,
                ["runs"] = r.Runs,

                // Who captured the value: the winner's profit net of what it paid for priority, the users' rebates, and
                // the users' loss net of them. Zero rebates and no price outside the auction sequencer.
                ["auction_epochs"] = r.AuctionEpochs,
                ["auction_lanes_won"] = r.AuctionLanesWon,
                ["auction_price_paid"] = Round(r.AuctionPricePaid),
                ["auction_prices_total"] = Round(r.AuctionPricesTotal),
                ["rebates_to_users"] = Round(r.RebatesToUsers),
                ["rebates_to_adversary"] = Round(r.RebatesToAdversary),
                ["adversary_profit_net_of_auction"] = Round(r.AdversaryProfitNetOfAuction),
                ["user_net_loss"] = Round(r.UserNetLoss),
            };
            if (centralized is { Extracted: > 0 })
            {
                entry["extracted_vs_centralized"] = Math.Round(r.Extracted / centralized.Extracted, 4);
            }

            sequencers.Add(entry);
        }

        return new JsonObject
        {
            ["seed"] = options.Seed,
            ["seeds"] = options.Seeds,
            ["traders"] = options.Traders,
            ["minutes"] = options.Minutes,
            ["unit"] = "base units of token A (token B at the honest run's closing price)",
            ["liquidation_unit"] = "micro-USD of perps collateral (liquidation_bonus_*; not added to the token A figures)",
            ["exercise_unit"] = "micro-USD of options collateral (delayed_exercise_value_lost, holder_value_lost; not added to the token A figures)",
            ["sequencers"] = sequencers,
        };
    }

    public static string Markdown(LabOptions options, IReadOnlyList<SequencerResult> results)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"MEV lab: seed {options.Seed}, {options.Seeds} seed(s), {options.Traders} traders, {options.Minutes} simulated minute(s) per run.\n\n");
        text.Append("| sequencer | extracted | adversary profit (net) | user loss | lane price paid | users' rebates | adversary net of price | user net loss | risk premium (bps) | attacks tried | succeeded | liquidations sniped (of all) | liquidation bonus adversary / others (USD) | exercises delayed / held / sent | holder value lost (USD) | victim delay p50 / mean / max (ms) | orders included |\n");
        text.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in results)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Extracted:N0} | {r.AdversaryProfit:N0} | {r.UserLoss:N0} | {r.AuctionPricePaid:N0} | {r.RebatesToUsers:N0} | {r.AdversaryProfitNetOfAuction:N0} | {r.UserNetLoss:N0} | {r.RiskPremiumBps:0.000} | {r.AttacksTried} | {r.AttacksSucceeded} | {r.LiquidationsSniped} of {r.Liquidations} | {r.LiquidationBonusAdversary / 1e6:N2} / {r.LiquidationBonusOthers / 1e6:N2} | {r.ExercisesDelayed} / {r.ExercisesHeld} / {r.Exercises} | {r.HolderValueLost / 1e6:N2} | {(r.VictimDelaysMs.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{r.VictimDelayP50Ms:0} / {r.VictimDelayMeanMs:0} / {r.VictimDelayMaxMs:0}") : "none attacked")} | {r.OrdersIncluded} of {r.Orders} |\n");
        }

        return text.ToString();
    }

    private static double Round(double value) => Math.Round(value, 0);
}
