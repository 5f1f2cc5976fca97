using System.Numerics;
using Fairway.Core.Inbox;

namespace Fairway.Settlement;

/// <summary>Posts inbox entries from one L1 account, paying the inbox's fee: the SDK's <see cref="IInboxPoster"/> on a real L1.</summary>
public sealed class InboxPoster(InboxContract inbox, BigInteger feeWei) : IInboxPoster
{
    public InboxContract Contract => inbox;

    public BigInteger FeeWei => feeWei;

    /// <summary>A poster for the inbox at <paramref name="address"/>, paying the fee the inbox asks now.</summary>
    public static async Task<InboxPoster> ConnectAsync(L1Connection l1, string address)
    {
        var contract = new InboxContract(l1, address);
        return new InboxPoster(contract, await contract.FeeAsync().ConfigureAwait(false));
    }

    public Task<ulong> PostAsync(ulong @namespace, ReadOnlyMemory<byte> payload, CancellationToken cancel = default) =>
        inbox.PostAsync(@namespace, payload.ToArray(), feeWei, cancel);
}
