using System.Numerics;
using Nethereum.RPC.Eth.DTOs;

namespace Fairway.Settlement.Tests;

/// <summary>
/// The light client's inbox check (issue 15), on a real anvil: <c>submitHeader</c> takes the output header's bytes,
/// which must hash to the signed output hash, and with an inbox it refuses a header that leaves out an entry already
/// past its deadline at the header's own L1 block, names an index beyond the inbox, or names an L1 block not yet mined.
/// Every refusal has its accepting twin, signed by the same quorum.
/// </summary>
[Collection("anvil")]
public sealed class LightClientInboxTests(AnvilFixture anvil, Xunit.Abstractions.ITestOutputHelper output)
{
    const string HeaderAccepted = "HeaderAccepted(uint64,uint64,bytes32,bytes32,uint64,uint256,uint256)";
    const string EntrySkipped = "InboxEntrySkipped(uint64,uint64,uint64)";

    /// Submits the statement (height, parent, `outputHash`) with `header` as its bytes, signed by three of the four
    /// validators (more than two thirds), against the stake table's current epoch.
    static async Task<TransactionReceipt> SubmitAsync(
        Deployment d, TestValidator[] v, ulong height, byte[] parent, byte[] outputHash, byte[] header)
    {
        var epoch = await d.CurrentEpochAsync();
        var digest = d.HeaderDigest(height, parent, outputHash);
        return await d.Owner.SendAsync(d.LightClient, "submitHeader", 0, height, epoch, parent, outputHash, header,
            Deployment.Signatures(digest, v[0].SettlementKey, v[1].SettlementKey, v[2].SettlementKey));
    }

    static Task<TransactionReceipt> SubmitAsync(Deployment d, TestValidator[] v, ulong height, byte[] parent, (byte[] Header, byte[] Output) h) =>
        SubmitAsync(d, v, height, parent, h.Output, h.Header);

    /// Posts an entry to the deployment's inbox; returns its deadline block as the inbox keeps it.
    static async Task<ulong> PostAsync(Deployment d, string payload)
    {
        await d.Owner.SendAsync(d.Inbox, "post", 0, 7UL, System.Text.Encoding.UTF8.GetBytes(payload));
        var index = await d.Inbox.GetFunction("latestIndex").CallAsync<ulong>();
        return (await d.Inbox.GetFunction("entry").CallDeserializingToObjectAsync<InboxTests.EntryOutput>(index)).DeadlineBlock;
    }

    /// Mines until the latest block is `block` or later.
    static async Task MineToAsync(Deployment d, ulong block)
    {
        var latest = (ulong)await d.Anvil.BlockNumberAsync();
        if (latest < block) await d.Anvil.MineAsync((long)(block - latest));
    }

    /// The inbox index a HeaderAccepted event carries (its third data word).
    static ulong InboxIndexOf(TransactionReceipt receipt)
    {
        var log = receipt.Logs.Single(l => string.Equals(l.Topics[0]?.ToString(), L1.Topic(HeaderAccepted), StringComparison.OrdinalIgnoreCase));
        var data = Convert.FromHexString(log.Data[2..]);
        return (ulong)new BigInteger(data.AsSpan(64, 32), isUnsigned: true, isBigEndian: true);
    }

    static async Task<ulong> InboxIndexAtAsync(Deployment d, ulong height) =>
        await d.LightClient.GetFunction("inboxIndexAt").CallAsync<ulong>(height);

    [Fact]
    public async Task A_header_that_leaves_out_an_entry_past_its_deadline_is_refused_and_one_that_includes_it_is_accepted()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil, inbox: true);
        var deadline1 = await PostAsync(d, "first");
        var deadline2 = await PostAsync(d, "second");
        Assert.True(deadline2 > deadline1);
        await MineToAsync(d, deadline2 + 1);

        // Index 1 at the second entry's deadline block: entry 2 was due by then and is left out.
        var skipping = OutputHeaders.V2("skips entry 2", 1, deadline2);
        await L1.AssertRevertsAsync(EntrySkipped, () => SubmitAsync(d, v, 1, d.GenesisHeaderHash, skipping), 2, deadline2, deadline2);
        // Index 0 at the same block leaves out entry 1 first.
        var skippingBoth = OutputHeaders.V2("skips entries 1 and 2", 0, deadline2);
        await L1.AssertRevertsAsync(EntrySkipped, () => SubmitAsync(d, v, 1, d.GenesisHeaderHash, skippingBoth), 1, deadline1, deadline2);
        Assert.Equal(BigInteger.Zero, await d.CallAsync(d.LightClient, "lastHeight"));

        // The same block and quorum with both entries included: accepted, and the index is kept and announced.
        var including = OutputHeaders.V2("includes entry 2", 2, deadline2);
        var receipt = await SubmitAsync(d, v, 1, d.GenesisHeaderHash, including);
        output.WriteLine($"submitHeader with an inbox (3 signatures, version 2 header): {receipt.GasUsed.Value} gas");
        Assert.Equal(2UL, InboxIndexOf(receipt));
        Assert.Equal(2UL, await InboxIndexAtAsync(d, 1));
        Assert.Equal(including.Output, await d.LightClient.GetFunction("outputHashAt").CallAsync<byte[]>(1UL));
    }

    [Fact]
    public async Task An_entry_not_yet_past_its_deadline_at_the_headers_L1_block_may_be_left_out_even_when_settled_after_it()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil, inbox: true);
        var deadline = await PostAsync(d, "due later");
        // Settled well after the deadline: the header's own L1 block is what counts.
        await MineToAsync(d, deadline + 3);

        var atDeadline = OutputHeaders.V2("made at the deadline", 0, deadline);
        await L1.AssertRevertsAsync(EntrySkipped, () => SubmitAsync(d, v, 1, d.GenesisHeaderHash, atDeadline), 1, deadline, deadline);

        var before = OutputHeaders.V2("made the block before the deadline", 0, deadline - 1);
        var receipt = await SubmitAsync(d, v, 1, d.GenesisHeaderHash, before);
        output.WriteLine($"submitHeader leaving out an entry not yet due (3 signatures, reads the entry, index 0 not stored): {receipt.GasUsed.Value} gas");
        Assert.Equal(0UL, InboxIndexOf(receipt));
        Assert.Equal(0UL, await InboxIndexAtAsync(d, 1));

        // The next statement must then include it: its L1 block is past the deadline.
        var parent = d.HeaderDigest(1, d.GenesisHeaderHash, before.Output);
        var later = OutputHeaders.V2("a later header leaving it out", 0, deadline + 1, height: 2);
        await L1.AssertRevertsAsync(EntrySkipped, () => SubmitAsync(d, v, 2, parent, later), 1, deadline, deadline + 1);
        await SubmitAsync(d, v, 2, parent, OutputHeaders.V2("a later header including it", 1, deadline + 1, height: 2));
        Assert.Equal(1UL, await InboxIndexAtAsync(d, 2));
    }

    [Fact]
    public async Task A_header_whose_bytes_do_not_hash_to_the_output_hash_is_refused()
    {
        foreach (var withInbox in new[] { true, false })
        {
            var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil, inbox: withInbox);
            var l1Block = (ulong)await d.Anvil.BlockNumberAsync();
            var header = withInbox ? OutputHeaders.V2("the header", 0, l1Block) : OutputHeaders.V1("the header");
            var other = withInbox ? OutputHeaders.V2("another header", 0, l1Block) : OutputHeaders.V1("another header");
            var flipped = (byte[])header.Header.Clone();
            flipped[^1] ^= 1;

            await L1.AssertRevertsAsync("OutputHeaderMismatch(bytes32,bytes32)", () =>
                SubmitAsync(d, v, 1, d.GenesisHeaderHash, header.Output, other.Header));
            await L1.AssertRevertsAsync("OutputHeaderMismatch(bytes32,bytes32)", () =>
                SubmitAsync(d, v, 1, d.GenesisHeaderHash, header.Output, flipped));
            await L1.AssertRevertsAsync("OutputHeaderMismatch(bytes32,bytes32)", () =>
                SubmitAsync(d, v, 1, d.GenesisHeaderHash, header.Output, []));

            await SubmitAsync(d, v, 1, d.GenesisHeaderHash, header);
            Assert.Equal(BigInteger.One, await d.CallAsync(d.LightClient, "lastHeight"));
        }
    }

    [Fact]
    public async Task An_inbox_index_beyond_the_inboxs_newest_entry_is_refused()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil, inbox: true);
        var l1Block = (ulong)await d.Anvil.BlockNumberAsync();
        await L1.AssertRevertsAsync("InboxIndexAhead(uint64,uint64)", () =>
            SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("ahead of an empty inbox", 1, l1Block)), 1, 0);

        await PostAsync(d, "the only entry");
        l1Block = (ulong)await d.Anvil.BlockNumberAsync();
        await L1.AssertRevertsAsync("InboxIndexAhead(uint64,uint64)", () =>
            SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("ahead by one", 2, l1Block)), 2, 1);
        await L1.AssertRevertsAsync("InboxIndexAhead(uint64,uint64)", () =>
            SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("far ahead", ulong.MaxValue, l1Block)), ulong.MaxValue, 1);

        await SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("up to the newest", 1, l1Block));
        Assert.Equal(1UL, await InboxIndexAtAsync(d, 1));
    }

    [Fact]
    public async Task A_header_naming_an_L1_block_not_yet_mined_is_refused()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil, inbox: true);
        var latest = (ulong)await d.Anvil.BlockNumberAsync();
        // The next block is the one the submission would land in: not mined while it runs.
        await L1.AssertRevertsAsync("L1BlockNotMined(uint64,uint256)", () =>
            SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("names the next block", 0, latest + 1)));
        await L1.AssertRevertsAsync("L1BlockNotMined(uint64,uint256)", () =>
            SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("names a far block", 0, ulong.MaxValue)));

        var receipt = await SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("names the latest block", 0, latest));
        output.WriteLine($"submitHeader with an empty inbox (3 signatures, version 2 header): {receipt.GasUsed.Value} gas");
        Assert.Equal(BigInteger.One, await d.CallAsync(d.LightClient, "lastHeight"));
    }

    [Fact]
    public async Task A_full_block_may_leave_out_an_entry_past_its_deadline_as_voters_allow()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil, inbox: true);
        var deadline = await PostAsync(d, "behind a flood");
        await MineToAsync(d, deadline + 1);

        // Not full: refused (the control); full, the same index at the same block: congestion, accepted.
        await L1.AssertRevertsAsync(EntrySkipped, () => SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("not full", 0, deadline)), 1, deadline, deadline);
        await SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("full", 0, deadline, full: true));
        Assert.Equal(BigInteger.One, await d.CallAsync(d.LightClient, "lastHeight"));

        // The full byte is 0 or 1, nothing else: one encoding.
        var bad = OutputHeaders.V2("full byte 2", 0, deadline, height: 2, full: true).Header;
        bad[^1] = 2;
        var lastHeader = await d.LightClient.GetFunction("lastHeaderHash").CallAsync<byte[]>();
        await L1.AssertRevertsAsync("NoInboxCommitment(uint256)", () =>
            SubmitAsync(d, v, 2, lastHeader, System.Security.Cryptography.SHA256.HashData(bad), bad), 158);
    }

    [Fact]
    public async Task A_light_client_with_an_inbox_needs_a_version_2_header_and_one_without_accepts_version_1()
    {
        var (d, v) = await Deployment.FourValidatorsInEpochOneAsync(anvil, inbox: true);
        var l1Block = (ulong)await d.Anvil.BlockNumberAsync();
        var v1 = OutputHeaders.V1("a version 1 header");
        await L1.AssertRevertsAsync("NoInboxCommitment(uint256)", () => SubmitAsync(d, v, 1, d.GenesisHeaderHash, v1), 141);
        // 158 bytes but not marked version 2.
        var relabelled = OutputHeaders.V2("a relabelled header", 0, l1Block).Header;
        relabelled[0] = 1;
        await L1.AssertRevertsAsync("NoInboxCommitment(uint256)", () =>
            SubmitAsync(d, v, 1, d.GenesisHeaderHash, System.Security.Cryptography.SHA256.HashData(relabelled), relabelled), 158);
        await SubmitAsync(d, v, 1, d.GenesisHeaderHash, OutputHeaders.V2("a version 2 header", 0, l1Block));

        var (without, w) = await Deployment.FourValidatorsInEpochOneAsync(anvil);
        Assert.Equal(Deployment.NoInbox, await without.LightClient.GetFunction("inbox").CallAsync<string>(), ignoreCase: true);
        var receipt = await SubmitAsync(without, w, 1, without.GenesisHeaderHash, v1);
        Assert.Equal(0UL, InboxIndexOf(receipt));
        Assert.Equal(0UL, await InboxIndexAtAsync(without, 1));
        output.WriteLine($"submitHeader without an inbox (3 signatures, version 1 header): {receipt.GasUsed.Value} gas");
    }
}

/// <summary>The library's side: <see cref="L1Contracts.DeployAsync"/> gives the light client the inbox it deploys, and a refusal by the inbox check comes back named.</summary>
public sealed class LightClientInboxLibraryTests(LibraryL1 l1) : IClassFixture<LibraryL1>
{
    [Fact]
    public async Task The_deployed_light_client_checks_the_deployed_inbox_and_its_refusals_are_named()
    {
        var addresses = l1.Contracts.Addresses;
        Assert.NotNull(addresses.Inbox);
        Assert.Equal(addresses.Inbox, await l1.Dev.CallAsync<string>(l1.Dev.Contract(ContractArtifact.LightClient, addresses.LightClient), "inbox", null), ignoreCase: true);
        Assert.Equal(addresses.Inbox, addresses.ByName[ContractArtifact.Inbox]);

        var inbox = new InboxContract(l1.Dev, addresses.Inbox!);
        await inbox.PostAsync(3, "must be included"u8.ToArray(), InboxParameters.Devnet.FeeWei);
        var entry = await inbox.EntryAsync(1);
        Assert.Equal(entry.PostedBlock + InboxParameters.Devnet.DeadlineBlocks, entry.DeadlineBlock);
        await l1.Dev.MineAsync(InboxParameters.Devnet.DeadlineBlocks + 1);

        // The inbox check comes before the signatures are counted, so none are needed to see it refuse.
        var epoch = await l1.Contracts.CurrentEpochAsync();
        var (header, output) = OutputHeaders.V2("leaves out entry 1", 0, entry.DeadlineBlock, height: 10);
        var refused = await Assert.ThrowsAsync<L1Exception>(() => l1.Contracts.SubmitHeaderAsync(10, epoch, new byte[32], output, header, []));
        Assert.Contains("InboxEntrySkipped", refused.Message, StringComparison.Ordinal);
        var mismatch = await Assert.ThrowsAsync<L1Exception>(() => l1.Contracts.SubmitHeaderAsync(10, epoch, new byte[32], output, [.. header, 0], []));
        Assert.Contains("OutputHeaderMismatch", mismatch.Message, StringComparison.Ordinal);
        // Including it gets past the inbox check, to the signatures (none here).
        var (including, includingOutput) = OutputHeaders.V2("includes entry 1", 1, entry.DeadlineBlock, height: 10);
        var unsigned = await Assert.ThrowsAsync<L1Exception>(() => l1.Contracts.SubmitHeaderAsync(10, epoch, new byte[32], includingOutput, including, []));
        Assert.Contains("NoStakeInEpoch", unsigned.Message, StringComparison.Ordinal);
        Assert.Equal(0UL, await l1.Contracts.SettledInboxIndexAsync(10));
    }
}
