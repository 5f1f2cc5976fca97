using System.Text.Json;
using Fairway.Simulation;

namespace Fairway.Simulation.Tests;

/// <summary>
/// The <c>encrypted</c> policy on seeded whole-node runs: clients seal every transaction to a key made by an in-process
/// DKG, hosts order the ciphertexts by the fair rules, and each committed height waits at each host for a threshold of
/// decryption shares crossing the faulty network. Every committed ciphertext must come out as what its client sealed, at
/// the position the sealed output fixed, and no coalition of f validators may hold a threshold of shares before commit.
/// </summary>
public class SimulatorEncryptedPolicyTests
{
    private static readonly SimulationOptions Encrypted = new()
    {
        Policy = "encrypted", Nodes = 4, Rounds = 60, TransactionsPerRound = 3, Seed = 900,
    };

    private static string Why(BatchReport report) =>
        report.Results.FirstOrDefault(r => r.Failed) is { } f ? $"seed {f.Seed}: {string.Join("; ", f.SafetyViolations.Take(3))} {f.LivenessFailure}" : "";

    [Fact]
    public void Without_faults_every_committed_ciphertext_is_decrypted_to_its_plaintext_and_none_is_seen_before_commit()
    {
        var report = SimulationBatch.Run(Encrypted, seeds: 2);

        Assert.True(report.Passed, Why(report));
        Assert.True(report.CiphertextsSubmitted >= 200, $"only {report.CiphertextsSubmitted} ciphertexts submitted");
        Assert.True(report.CiphertextsDecrypted > report.CiphertextsSubmitted * 9 / 10, $"{report.CiphertextsDecrypted} of {report.CiphertextsSubmitted} decrypted");
        Assert.Equal(0, report.Undecrypted);
        Assert.Equal(0, report.PlaintextSeenBeforeCommit);
        Assert.Equal(0, report.BadShareEvidence);
        Assert.Equal(0, report.OutputsMismatched);
        Assert.True(report.TransactionsCommitted > report.TransactionsSubmitted * 9 / 10, $"{report.TransactionsCommitted} of {report.TransactionsSubmitted} certified");
    }

    [Fact]
    public void Bad_shares_at_f_decrypt_everything_anyway_and_become_evidence()
    {
        var report = SimulationBatch.Run(Encrypted with { Byzantine = ByzantineKind.BadShares, Faulty = 1, Seed = 910 }, seeds: 2);

        Assert.True(report.Passed, Why(report));
        Assert.Equal(0, report.Undecrypted);
        Assert.Equal(0, report.PlaintextSeenBeforeCommit);
        Assert.True(report.BadShareEvidence > 0, "no bad share was kept as evidence");
        Assert.True(report.CiphertextsDecrypted > report.CiphertextsSubmitted * 9 / 10, $"{report.CiphertextsDecrypted} of {report.CiphertextsSubmitted} decrypted");
    }

    [Fact]
    public void Under_loss_partitions_and_crashes_shares_get_through_and_everything_committed_is_decrypted()
    {
        var faults = Encrypted with
        {
            Loss = 0.05, PartitionProbability = 0.02, CrashProbability = 0.01, Rounds = 100, TransactionsPerRound = 2,
            Byzantine = ByzantineKind.BadShares, Faulty = 1, Seed = 920,
        };
        var report = SimulationBatch.Run(faults, seeds: 4);

        Assert.True(report.Passed, Why(report));
        Assert.Equal(0, report.Undecrypted);
        Assert.Equal(0, report.PlaintextSeenBeforeCommit);
        Assert.True(report.Results.Sum(r => r.Crashes) + report.Results.Sum(r => r.Partitions) > 0, "no crash or partition happened");
    }

    [Fact]
    public void Negative_control_f_plus_one_colluders_pooling_shares_before_commit_trip_the_check_and_f_do_not()
    {
        var colluding = SimulationBatch.Run(Encrypted with { Rounds = 30, EarlyDecryptionColludersForTesting = 2 }, seeds: 1);
        Assert.False(colluding.Passed, "f+1 colluders opened ciphertexts before commit and the run still passed");
        Assert.True(colluding.PlaintextSeenBeforeCommit > 0, "the early-decryption check did not fire");

        var atF = SimulationBatch.Run(Encrypted with { Rounds = 30, EarlyDecryptionColludersForTesting = 1 }, seeds: 1);
        Assert.True(atF.Passed, Why(atF));
        Assert.Equal(0, atF.PlaintextSeenBeforeCommit);
    }

    [Fact]
    public void The_same_seed_gives_the_same_report()
    {
        var options = Encrypted with { Byzantine = ByzantineKind.BadShares, Faulty = 1, Loss = 0.03, Rounds = 40, Seed = 930 };
        var first = JsonSerializer.Serialize(Simulator.Run(options));
        var second = JsonSerializer.Serialize(Simulator.Run(options));

        Assert.Equal(first, second);
        Assert.Contains("\"BadShareEvidence\"", first, StringComparison.Ordinal);
    }
}
