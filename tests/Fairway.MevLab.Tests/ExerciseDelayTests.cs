using Fairway.Core.Chain;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;
using Fairway.Rollups.Oracle;
using Fairway.Rollups.Options;

namespace Fairway.MevLab.Tests;

/// <summary>
/// Exercise delay: the options market maker holds the exercises it reads until their series has expired. Only a
/// sequencer that lets it keep a transaction out of every block for long enough (the centralized operator) makes one
/// miss its expiry; under fcfs the honest leaders include it at their next turn, under fair the lists make any leader
/// include it, and under encrypted it cannot read it.
/// </summary>
public sealed class ExerciseDelayTests
{
    private static readonly LabOptions Short = new() { Seed = 1, Minutes = 0.2, Traders = 10 };

    /// <summary>The first series' expiry in oracle time (round 40 of the perps feed's clock).</summary>
    private const ulong FirstExpiry = 5_000;

    [Fact]
    public void Only_the_centralized_operator_makes_exercises_miss_their_expiry()
    {
        var results = Lab.Run(Short).ToDictionary(r => r.Name);

        var centralized = results["centralized"];
        Assert.True(centralized.Exercises > 0, "no exercise at all, so the test shows nothing");
        Assert.True(centralized.ExercisesDelayed > 0, $"centralized delayed {centralized.ExercisesDelayed} of {centralized.Exercises}");
        Assert.True(centralized.HeldExerciseDelaysMs.Average() > 2 * centralized.HonestExerciseDelaysMs.Average(), "the operator's holds must show as waiting");

        // The front-runner reads and holds them under fcfs and fair too, but leads only a quarter of the rounds, and
        // under fair the other validators' lists make any leader include them: the holds cost no expiry.
        foreach (var name in new[] { "fcfs", "fair", "encrypted" })
        {
            var r = results[name];
            Assert.True(r.Exercises > 0, $"{name}: no exercise at all");
            Assert.Equal(0, r.ExercisesDelayed);
        }

        Assert.True(results["fcfs"].ExercisesHeld > 0, "fcfs: the front-runner never tried, so its zero shows nothing");
        Assert.True(results["fair"].ExercisesHeld > 0, "fair: the front-runner never tried, so its zero shows nothing");
        Assert.Equal(0, results["encrypted"].ExercisesHeld);

        // Without anyone holding, the holders' lead is long enough that no exercise misses its expiry on any sequencer.
        Assert.All(results.Values, r => Assert.Equal(0, r.ExercisesExpiredHonestRun));
    }

    [Fact]
    public void Without_the_adversary_on_the_network_the_same_intent_delays_nothing()
    {
        // The flow wants to hold (adversarial intent), but the operator runs honestly: nobody asks it, nothing waits.
        var (_, _, options) = Lab.Simulate("centralized", adversarial: false, flowAdversarial: true, Short.Seed, Short);

        Assert.True(options.ExercisesSent > 0);
        Assert.Equal(0, options.ExercisesHeld);
        Assert.Equal(0, options.ExercisesDelayed);
        Assert.Equal(0, options.ExercisesExpired);

        // The rest were still in flight at the end or had fallen out of the money when they landed.
        Assert.True(options.ExercisesPaid > 0);
    }

    [Fact]
    public void A_held_exercise_that_lands_after_the_expiry_update_counts_as_delayed_and_an_unheld_one_does_not()
    {
        var (held, heldExercises) = UpToExercises(adversarial: true);
        var (control, controlExercises) = UpToExercises(adversarial: false);

        var attack = held.React(heldExercises[0], 0, leads: false);
        Assert.NotNull(attack);
        Assert.True(attack.Hold);
        Assert.Empty(attack.Before);
        Assert.Null(control.React(controlExercises[0], 0, leads: true));
        Assert.True(held.StillHolds(heldExercises[0], 0));

        // The expiry update lands first: the hold is over, and the exercise can only fail.
        held.OnOutput(2, [Price(2, 90_000_000, FirstExpiry)], 0);
        control.OnOutput(2, [Price(2, 90_000_000, FirstExpiry)], 0);
        Assert.False(held.StillHolds(heldExercises[0], 0));

        held.OnOutput(3, [heldExercises[0]], 0);
        control.OnOutput(3, [controlExercises[0]], 0);
        Assert.Equal((1, 1, 0), (held.ExercisesDelayed, held.ExercisesExpired, held.ExercisesPaid));
        Assert.Equal((0, 1, 0), (control.ExercisesDelayed, control.ExercisesExpired, control.ExercisesPaid));

        // A put struck at 100, sent with the price at 80 and settled at 90: worth 20 USD a unit when sent, paid 10, on ten units.
        Assert.Equal(100_000_000L, held.DelayedValueLost);
        Assert.Equal(0, control.DelayedValueLost);
    }

    [Fact]
    public void An_exercise_that_lands_before_expiry_is_paid_and_not_delayed()
    {
        var (held, exercises) = UpToExercises(adversarial: true);
        _ = held.React(exercises[0], 0, leads: true);

        held.OnOutput(2, [exercises[0]], 0);

        Assert.Equal((0, 0, 1), (held.ExercisesDelayed, held.ExercisesExpired, held.ExercisesPaid));
        Assert.False(held.StillHolds(exercises[0], 0));
    }

    /// <summary>A flow whose oracle has reached the first series' exercise window at 80 USD, and the exercises it sent.</summary>
    private static (OptionsMarketFlow Flow, IReadOnlyList<Transaction> Exercises) UpToExercises(bool adversarial)
    {
        var flow = new OptionsMarketFlow(adversarial);
        flow.OnOutput(1, [Price(1, 80_000_000, FirstExpiry - 1_000)], 0);
        var sent = flow.Submit(1, 0);
        Assert.NotEmpty(sent);
        Assert.All(sent, t => Assert.Equal(OptionsMarketFlow.OptionsNamespace, t.Namespace));

        // At 80 USD only the puts struck at 100 are in the money.
        Assert.All(sent, t => Assert.False(SeriesOf(t).IsCall));
        Assert.Equal(OptionsMarketFlow.HoldersPerSeries / 2, sent.Count);
        return (flow, sent);
    }

    private static OptionSeries SeriesOf(Transaction exercise)
    {
        var tx = RollupTransaction.TryDecode(exercise.Payload.Span)!;
        var reader = new Fairway.Core.Encoding.CanonicalReader(tx.Body);
        return OptionSeries.Read(ref reader);
    }

    private static Transaction Price(ulong nonce, ulong price, ulong timestamp) => new(
        PerpsMarketFlow.OracleNamespace,
        RollupTransaction.Sign(PerpsMarketFlow.OracleNamespace, OracleKind.PriceUpdate, nonce,
            OracleState.PriceUpdateBody(price, timestamp), Ed25519Signer.FromSeedPhrase(PerpsMarketFlow.FeederPhrase)).Encode());
}
