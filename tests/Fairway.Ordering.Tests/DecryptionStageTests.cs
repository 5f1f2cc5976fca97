using Fairway.Core.Crypto;
using Fairway.Crypto.Dkg;
using Fairway.Crypto.Group;
using Fairway.Crypto.Threshold;
using Fairway.Ordering.Encrypted;

namespace Fairway.Ordering.Tests;

/// <summary>Four validators' decryption stages exchanging shares for committed ciphertexts, as the node and simulator drive them.</summary>
public sealed class DecryptionStageTests
{
    private static readonly byte[] Label = "fairway/ns/5"u8.ToArray();
    private static readonly (ThresholdKeySet KeySet, Scalar[] Secrets) Key = Generate();

    private static (ThresholdKeySet, Scalar[]) Generate()
    {
        var keys = Enumerable.Range(0, 4).Select(i => DkgTransportKey.FromSeed(Hash.Compute([(byte)i]).ToArray())).ToArray();
        var parameters = new DkgParameters("decryption-stage-tests"u8, 2, [.. keys.Select(k => k.PublicKey)]);
        var transcript = DkgTranscript.Finish(parameters, [.. Enumerable.Range(0, 4).Select(j => Dealing.Create(parameters, (ushort)j))], []);
        return (ThresholdKeySet.From(transcript.Result), [.. Enumerable.Range(0, 4).Select(v => transcript.SecretShare((ushort)v, keys[v]))]);
    }

    private static DecryptionStage[] Stages() => [.. Enumerable.Range(0, 4).Select(v => new DecryptionStage(Key.KeySet, v, Key.Secrets[v]))];

    private static CommittedCiphertext Sealed(string text) =>
        new(Hash.Compute(System.Text.Encoding.UTF8.GetBytes(text)), ThresholdEncryption.Encrypt(Key.KeySet, Label, System.Text.Encoding.UTF8.GetBytes(text)), Label);

    [Fact]
    public void Validators_exchanging_shares_decrypt_a_height_alike_and_in_order()
    {
        var stages = Stages();
        CommittedCiphertext[] height = [Sealed("first"), new(Hash.Compute([9]), null, Label), Sealed("third")];
        var shares = stages.Select(s => s.Open(7, height)).ToArray();
        Assert.All(shares, s => Assert.Equal(2, s.Count));

        // Before any share arrives a validator holds only its own: nothing is decrypted.
        Assert.All(stages, s => Assert.Null(s.Results(7)));

        Assert.Null(stages[0].OnShares(2, 7, shares[2]));
        var results = stages[0].Results(7)!;
        Assert.Equal("first"u8.ToArray(), results[0].Plaintext);
        Assert.False(results[1].Decrypted);
        Assert.Equal("third"u8.ToArray(), results[2].Plaintext);

        Assert.Null(stages[3].OnShares(1, 7, shares[1]));
        Assert.Equal(results.Select(r => r.Plaintext is null ? "-" : Convert.ToHexString(r.Plaintext)), stages[3].Results(7)!.Select(r => r.Plaintext is null ? "-" : Convert.ToHexString(r.Plaintext)));
    }

    [Fact]
    public void Shares_remade_for_a_height_no_longer_kept_open_it_for_a_peer_far_behind()
    {
        var stages = Stages();
        CommittedCiphertext[] height = [Sealed("old order"), new(Hash.Compute([7]), null, Label), Sealed("another")];

        // Validator 2 committed the height long ago and kept nothing of it; validator 0 is only now opening it.
        var remade = stages[2].SharesFor(height);
        Assert.Equal(2, remade.Count);
        Assert.Empty(stages[2].DrainBadShares());
        stages[0].Open(900, height);
        Assert.Null(stages[0].OnShares(2, 900, remade));
        var results = stages[0].Results(900)!;
        Assert.Equal("old order"u8.ToArray(), results[0].Plaintext);
        Assert.False(results[1].Decrypted);
        Assert.Equal("another"u8.ToArray(), results[2].Plaintext);
        Assert.Empty(stages[0].DrainBadShares());

        // The openings are the threshold of shares each ciphertext was combined from, none for the undecryptable one.
        var openings = stages[0].Openings(900)!;
        Assert.Equal([2, 0, 2], openings.Select(o => o.Count));
        Assert.Equal("old order"u8.ToArray(), ThresholdEncryption.Combine(Key.KeySet, height[0].Ciphertext!, openings[0]).Plaintext);
    }

    [Fact]
    public void Early_shares_are_bounded_over_all_heights_and_opening_a_height_frees_its_own()
    {
        var stages = Stages();
        CommittedCiphertext[] height = [Sealed("held back")];
        var share = stages[1].Open(1, height)[0];
        var perHeight = Enumerable.Repeat(share, 4 * Core.Chain.Limits.BatchDigestsPerBlockMax).ToList();
        var fullHeights = DecryptionStage.EarlySharesMax / perHeight.Count;
        for (var h = 1UL; h <= (ulong)fullHeights; h++)
        {
            Assert.Null(stages[0].OnShares(1, h, perHeight));
        }

        Assert.Equal("too many early shares", stages[0].OnShares(1, (ulong)fullHeights + 1, [share]));

        // Opening height 1 takes its early shares (and decrypts with them); the room they held is free again.
        stages[0].Open(1, height);
        Assert.Equal("held back"u8.ToArray(), stages[0].Results(1)![0].Plaintext);
        Assert.Null(stages[0].OnShares(1, (ulong)fullHeights + 1, [share]));
    }

    [Fact]
    public void A_bad_share_is_evidence_and_the_height_waits_for_a_good_one()
    {
        var stages = Stages();
        CommittedCiphertext[] height = [Sealed("order")];
        var shares = stages.Select(s => s.Open(3, height)).ToArray();

        var forged = shares[1][0] with { Value = shares[1][0].Value + GroupElement.Generator };
        Assert.Null(stages[0].OnShares(1, 3, [forged]));
        Assert.Null(stages[0].Results(3));
        var bad = Assert.Single(stages[0].DrainBadShares());
        Assert.Equal(1, bad.From);

        // Validator 2 relaying validator 3's (valid) share is not validator 2's share either.
        Assert.Null(stages[0].OnShares(2, 3, shares[3]));
        Assert.Single(stages[0].DrainBadShares());
        Assert.Null(stages[0].Results(3));

        Assert.Null(stages[0].OnShares(3, 3, shares[3]));
        Assert.Equal("order"u8.ToArray(), stages[0].Results(3)![0].Plaintext);
    }

    [Fact]
    public void Shares_that_arrive_before_the_height_commits_here_are_kept_and_used()
    {
        var stages = Stages();
        CommittedCiphertext[] height = [Sealed("early")];
        var fromTwo = stages[2].Open(10, height);
        Assert.Null(stages[0].OnShares(2, 10, fromTwo));
        Assert.Null(stages[0].Results(10));

        stages[0].Open(10, height);
        Assert.Equal("early"u8.ToArray(), stages[0].Results(10)![0].Plaintext);
    }

    [Fact]
    public void Out_of_range_heights_and_strangers_are_refused()
    {
        var stages = Stages();
        stages[0].Open(200, [Sealed("x")]);
        Assert.Equal("height out of range", stages[0].OnShares(1, 100, []));
        Assert.Equal("height out of range", stages[0].OnShares(1, 200 + DecryptionStage.HeightsKept + 1, []));
        Assert.Equal("sender holds no other share", stages[0].OnShares(0, 200, []));
        Assert.Equal("sender holds no other share", stages[0].OnShares(7, 200, []));
        Assert.Throws<ArgumentException>(() => new DecryptionStage(Key.KeySet, 1, Key.Secrets[0]));
    }

    [Fact]
    public void A_ciphertext_made_for_another_namespace_is_undecryptable_without_shares()
    {
        var stages = Stages();
        var elsewhere = ThresholdEncryption.Encrypt(Key.KeySet, "fairway/ns/6"u8, "moved"u8);
        CommittedCiphertext[] height = [new(Hash.Compute([1]), elsewhere, Label)];
        Assert.Empty(stages[0].Open(4, height));
        Assert.False(stages[0].Results(4)![0].Decrypted);
    }
}
