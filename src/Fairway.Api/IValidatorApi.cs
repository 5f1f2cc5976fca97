using Fairway.Core.Chain;
using Fairway.Storage;

namespace Fairway.Api;

/// <summary>What the HTTP API needs from a running validator. Implementations are safe to call from request threads.</summary>
public interface IValidatorApi
{
    Task<SubmitOutcome> SubmitAsync(Transaction transaction, CancellationToken cancellationToken);

    ulong CommittedHeight { get; }

    CommittedBlock? GetCommitted(ulong height);

    /// <summary>Metrics in the Prometheus text exposition format.</summary>
    string RenderMetrics();

    ApiLimits Limits { get; }
}

public enum SubmitStatus
{
    Accepted,
    Duplicate,
    Busy,
}

public sealed record SubmitOutcome(SubmitStatus Status, Core.Crypto.Hash Hash);

public sealed record ApiLimits
{
    public int PayloadBytesMax { get; init; } = 128 * 1024;

    public int RequestBytesMax { get; init; } = 1024 * 1024;
}
