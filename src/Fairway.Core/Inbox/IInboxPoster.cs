namespace Fairway.Core.Inbox;

/// <summary>Posts an entry to the L1 inbox and returns its inbox index: the seam between the SDK, which follows entries, and the L1 library that posts them.</summary>
public interface IInboxPoster
{
    Task<ulong> PostAsync(ulong @namespace, ReadOnlyMemory<byte> payload, CancellationToken cancel = default);
}
