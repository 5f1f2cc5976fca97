using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Fairway.Settlement.Tests;

/// <summary>
/// FairwayInbox on a real anvil: the first piece of forced inclusion (issue 15). Entries get consecutive indices and
/// a deadline of their block plus <c>deadlineBlocks</c>; the payload travels in the event and its hash is kept; bad
/// posts (no fee, empty, too large) are refused with a named error and change nothing.
/// </summary>
[Collection("anvil")]
public sealed class InboxTests(AnvilFixture anvil)
{
    const ulong DeadlineBlocks = 10;
    static readonly BigInteger Fee = L1.Ether(0.01m);
    const int MaxPayload = 1_024;

    [FunctionOutput]
    public sealed class EntryOutput : IFunctionOutputDTO
    {
        [Parameter("uint64", "namespaceId", 1)] public ulong NamespaceId { get; set; }
        [Parameter("uint64", "postedBlock", 2)] public ulong PostedBlock { get; set; }
        [Parameter("uint64", "deadlineBlock", 3)] public ulong DeadlineBlock { get; set; }
        [Parameter("address", "sender", 4)] public string Sender { get; set; } = "";
        [Parameter("bytes32", "payloadHash", 5)] public byte[] PayloadHash { get; set; } = [];
    }

    async Task<(L1Account Owner, Nethereum.Contracts.Contract Inbox)> DeployAsync()
    {
        var owner = await L1Account.CreateFundedAsync(anvil);
        var artifact = Artifact.Load("FairwayInbox");
        var address = await owner.DeployAsync(artifact, DeadlineBlocks, Fee, new BigInteger(MaxPayload));
        return (owner, owner.At(artifact, address));
    }

    [Fact]
    public async Task Entries_get_consecutive_indices_a_deadline_and_their_payload_in_the_event()
    {
        var (_, inbox) = await DeployAsync();
        var poster = await L1Account.CreateFundedAsync(anvil);
        var mine = poster.At(Artifact.Load("FairwayInbox"), inbox.Address);
        Assert.Equal(BigInteger.Zero, await mine.GetFunction("latestIndex").CallAsync<BigInteger>());

        var payload = "liquidate 0xabc"u8.ToArray();
        var first = await poster.SendAsync(mine, "post", Fee, 7UL, payload);
        var second = await poster.SendAsync(mine, "post", Fee * 2, 8UL, "exercise"u8.ToArray());

        Assert.Equal(new BigInteger(2), await mine.GetFunction("latestIndex").CallAsync<BigInteger>());
        Assert.True(L1.HasEvent(first, "Posted(uint64,uint64,address,bytes,uint64,uint64)"));
        var entry = await mine.GetFunction("entry").CallDeserializingToObjectAsync<EntryOutput>(1UL);
        Assert.Equal(7UL, entry.NamespaceId);
        Assert.Equal((ulong)first.BlockNumber.Value, entry.PostedBlock);
        Assert.Equal(entry.PostedBlock + DeadlineBlocks, entry.DeadlineBlock);
        Assert.Equal(poster.Address, entry.Sender, ignoreCase: true);
        Assert.Equal(L1.Keccak(payload), entry.PayloadHash);
        var later = await mine.GetFunction("entry").CallDeserializingToObjectAsync<EntryOutput>(2UL);
        Assert.Equal((ulong)second.BlockNumber.Value + DeadlineBlocks, later.DeadlineBlock);
        // The event carries the payload itself, which is what validators include.
        var log = first.Logs.Single();
        Assert.Contains(Convert.ToHexStringLower(payload), log.Data, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Posts_without_the_fee_empty_or_over_the_size_limit_are_refused_and_change_nothing()
    {
        var (_, inbox) = await DeployAsync();
        var poster = await L1Account.CreateFundedAsync(anvil);
        var mine = poster.At(Artifact.Load("FairwayInbox"), inbox.Address);

        await L1.AssertRevertsAsync("FeeTooLow(uint256,uint256)", () => poster.SendAsync(mine, "post", Fee - 1, 1UL, "x"u8.ToArray()));
        await L1.AssertRevertsAsync("EmptyPayload()", () => poster.SendAsync(mine, "post", Fee, 1UL, Array.Empty<byte>()));
        await L1.AssertRevertsAsync("PayloadTooLarge(uint256,uint256)", () => poster.SendAsync(mine, "post", Fee, 1UL, new byte[MaxPayload + 1]));
        await L1.AssertRevertsAsync("NoSuchEntry(uint64)", () => mine.GetFunction("entry").CallAsync<BigInteger>(1UL));
        Assert.Equal(BigInteger.Zero, await mine.GetFunction("latestIndex").CallAsync<BigInteger>());

        // At the limit it is taken; the fees go to the owner only.
        await poster.SendAsync(mine, "post", Fee, 1UL, new byte[MaxPayload]);
        Assert.Equal(BigInteger.One, await mine.GetFunction("latestIndex").CallAsync<BigInteger>());
        await L1.AssertRevertsAsync("NotOwner()", () => poster.SendAsync(mine, "withdrawFees", 0, poster.Address));
    }
}

/// <summary>The library's side of the inbox (<see cref="InboxContract"/>): deploy, post, read back, refusals as L1Exception.</summary>
public sealed class InboxLibraryTests(LibraryL1 l1) : IClassFixture<LibraryL1>
{
    [Fact]
    public async Task The_library_posts_an_entry_and_reads_it_back_and_names_the_refusal_of_an_oversized_one()
    {
        var parameters = InboxParameters.Devnet with { MaxPayloadBytes = 256 };
        var deployed = await InboxContract.DeployAsync(l1.Dev, parameters);
        var poster = new InboxContract(await LibraryL1.FundedAccountAsync(l1.Dev, l1.Anvil.Url), deployed.Address);

        Assert.Equal(0UL, await poster.LatestIndexAsync());
        Assert.Equal(parameters.DeadlineBlocks, await poster.DeadlineBlocksAsync());
        var payload = "force me in"u8.ToArray();
        var index = await poster.PostAsync(42, payload, await poster.FeeAsync());

        Assert.Equal(1UL, index);
        Assert.Equal(1UL, await poster.LatestIndexAsync());
        var entry = await poster.EntryAsync(index);
        Assert.Equal(42UL, entry.Namespace);
        Assert.Equal(entry.PostedBlock + parameters.DeadlineBlocks, entry.DeadlineBlock);
        Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash(payload), entry.PayloadHash);

        var refused = await Assert.ThrowsAsync<L1Exception>(() => poster.PostAsync(42, new byte[257], parameters.FeeWei));
        Assert.Contains("PayloadTooLarge", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1UL, await poster.LatestIndexAsync());
    }

    [Fact]
    public async Task Posts_are_read_back_from_the_L1s_events_with_their_payloads_in_index_order()
    {
        var inbox = await InboxContract.DeployAsync(l1.Dev, InboxParameters.Devnet);
        var from = await l1.Dev.BlockNumberAsync();
        var poster = new InboxContract(await LibraryL1.FundedAccountAsync(l1.Dev, l1.Anvil.Url), inbox.Address);
        string[] payloads = ["first", "second", "third"];
        foreach (var (text, ns) in payloads.Select((t, i) => (t, (ulong)(10 + i))))
        {
            await poster.PostAsync(ns, System.Text.Encoding.UTF8.GetBytes(text), InboxParameters.Devnet.FeeWei);
        }

        var posts = await inbox.PostsAsync(from, await l1.Dev.BlockNumberAsync());
        Assert.Equal([1UL, 2UL, 3UL], posts.Select(p => p.Index));
        Assert.Equal(payloads, posts.Select(p => System.Text.Encoding.UTF8.GetString(p.Payload)));
        Assert.Equal([10UL, 11UL, 12UL], posts.Select(p => p.Namespace));
        Assert.All(posts, p => Assert.Equal(p.PostedBlock + InboxParameters.Devnet.DeadlineBlocks, p.DeadlineBlock));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => inbox.PostsAsync(0, L1Connection.EventBlocksPerQueryMax));
    }
}
