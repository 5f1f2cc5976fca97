using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;

namespace Fairway.Settlement;

/// <summary>How an inbox is deployed: the blocks an entry has before validators must include it, the fee, the payload bound.</summary>
public sealed record InboxParameters(ulong DeadlineBlocks, BigInteger FeeWei, int MaxPayloadBytes)
{
    /// <summary>Development values: 10 blocks, 0.001 ether, 64 KiB.</summary>
    public static InboxParameters Devnet { get; } = new(10, BigInteger.Pow(10, 15), 64 * 1024);
}

/// <summary>One inbox entry as the contract keeps it; the payload itself is in the entry's <c>Posted</c> event.</summary>
public sealed record InboxEntry(ulong Index, ulong Namespace, ulong PostedBlock, ulong DeadlineBlock, string Sender, byte[] PayloadHash);

/// <summary>An entry with its payload, as its <c>Posted</c> event carries it: what validators include.</summary>
public sealed record InboxPost(ulong Index, ulong Namespace, byte[] Payload, ulong PostedBlock, ulong DeadlineBlock, string Sender);

/// <summary>Typed calls to a <c>FairwayInbox</c> over one <see cref="L1Connection"/>; every failure is an <see cref="L1Exception"/>.</summary>
public sealed class InboxContract(L1Connection l1, string address)
{
    public string Address => address;

    private Contract Inbox => l1.Contract(ContractArtifact.Inbox, address);

    public static async Task<InboxContract> DeployAsync(L1Connection l1, InboxParameters parameters, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(l1);
        ArgumentNullException.ThrowIfNull(parameters);
        var address = await l1.DeployAsync(
            ContractArtifact.Inbox, cancel, parameters.DeadlineBlocks, parameters.FeeWei, new BigInteger(parameters.MaxPayloadBytes)).ConfigureAwait(false);
        return new InboxContract(l1, address);
    }

    /// <summary>Posts <paramref name="payload"/> for <paramref name="namespace"/>, paying <paramref name="feeWei"/>; returns the entry's index.</summary>
    public async Task<ulong> PostAsync(ulong @namespace, byte[] payload, BigInteger feeWei, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var receipt = await l1.SendAsync(Inbox, "post", feeWei, cancel, @namespace, payload).ConfigureAwait(false);
        var posted = receipt.DecodeAllEvents<PostedEvent>().FirstOrDefault()
            ?? throw new L1Exception($"post: transaction {receipt.TransactionHash} has no Posted event");
        return posted.Event.Index;
    }

    /// <summary>The newest entry's index (0 for none), at <paramref name="block"/> or the latest block.</summary>
    public async Task<ulong> LatestIndexAsync(BlockParameter? block = null) =>
        await l1.CallAsync<ulong>(Inbox, "latestIndex", block).ConfigureAwait(false);

    public async Task<ulong> DeadlineBlocksAsync() => await l1.CallAsync<ulong>(Inbox, "deadlineBlocks", null).ConfigureAwait(false);

    public async Task<BigInteger> FeeAsync() => await l1.CallAsync<BigInteger>(Inbox, "fee", null).ConfigureAwait(false);

    public async Task<InboxEntry> EntryAsync(ulong index, BlockParameter? block = null)
    {
        var e = (await l1.QueryAsync<EntryFunction, EntryOutput>(new EntryFunction { Index = index }, address, block).ConfigureAwait(false)).Value;
        return new InboxEntry(index, e.NamespaceId, e.PostedBlock, e.DeadlineBlock, e.Sender, e.PayloadHash);
    }

    /// <summary>
    /// The entries posted in L1 blocks <paramref name="from"/>..<paramref name="to"/> (a span of at most
    /// <see cref="L1Connection.EventBlocksPerQueryMax"/> blocks), in index order, with their payloads.
    /// </summary>
    public async Task<IReadOnlyList<InboxPost>> PostsAsync(ulong from, ulong to, CancellationToken cancel = default)
    {
        var logs = await l1.EventsAsync<PostedEvent>(address, from, to, cancel).ConfigureAwait(false);
        return [.. logs.Select(l => new InboxPost(l.Event.Index, l.Event.NamespaceId, l.Event.Payload, l.Event.PostedBlock, l.Event.DeadlineBlock, l.Event.Sender))
            .OrderBy(p => p.Index)];
    }

    [Event("Posted")]
    public sealed class PostedEvent : IEventDTO
    {
        [Parameter("uint64", "index", 1, true)] public ulong Index { get; set; }
        [Parameter("uint64", "namespaceId", 2, true)] public ulong NamespaceId { get; set; }
        [Parameter("address", "sender", 3, true)] public string Sender { get; set; } = "";
        [Parameter("bytes", "payload", 4, false)] public byte[] Payload { get; set; } = [];
        [Parameter("uint64", "postedBlock", 5, false)] public ulong PostedBlock { get; set; }
        [Parameter("uint64", "deadlineBlock", 6, false)] public ulong DeadlineBlock { get; set; }
    }

    [Function("entry", typeof(EntryOutput))]
    internal sealed class EntryFunction : FunctionMessage
    {
        [Parameter("uint64", "index", 1)] public ulong Index { get; set; }
    }

    [FunctionOutput]
    internal sealed class EntryOutput : IFunctionOutputDTO
    {
        [Parameter("tuple", "", 1)] public EntryTuple Value { get; set; } = new();
    }

    internal sealed class EntryTuple
    {
        [Parameter("uint64", "namespaceId", 1)] public ulong NamespaceId { get; set; }
        [Parameter("uint64", "postedBlock", 2)] public ulong PostedBlock { get; set; }
        [Parameter("uint64", "deadlineBlock", 3)] public ulong DeadlineBlock { get; set; }
        [Parameter("address", "sender", 4)] public string Sender { get; set; } = "";
        [Parameter("bytes32", "payloadHash", 5)] public byte[] PayloadHash { get; set; } = [];
    }
}
