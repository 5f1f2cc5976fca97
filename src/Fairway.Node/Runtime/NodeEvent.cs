using Fairway.Api;
using Fairway.Core.Chain;

namespace Fairway.Node.Runtime;

/// <summary>Everything the validator's single event loop reacts to.</summary>
internal abstract record NodeEvent;

internal sealed record TickEvent : NodeEvent
{
    public static readonly TickEvent Instance = new();
}

internal sealed record FrameEvent(int Peer, byte[] Bytes) : NodeEvent;

internal sealed record SubmitEvent(Transaction Transaction, TaskCompletionSource<SubmitStatus> Reply) : NodeEvent;

internal sealed record SubmitManyEvent(IReadOnlyList<Transaction> Transactions, TaskCompletionSource<IReadOnlyList<SubmitStatus>> Reply) : NodeEvent;
