namespace Fairway.Chaos.Proxy;

/// <summary>
/// The faults in force on one link, and a task that completes at the next change, so a stalled or throttled pump
/// wakes as soon as the fault is lifted instead of polling.
/// </summary>
internal sealed class LiveFaults
{
    private readonly Lock _gate = new();
    private LinkFaults _current = LinkFaults.None;
    private TaskCompletionSource _changed = NewSignal();

    public LinkFaults Current => Volatile.Read(ref _current);

    /// <summary>Read together so a change between reading the faults and starting to wait is never missed.</summary>
    public (LinkFaults Faults, Task Changed) Snapshot()
    {
        lock (_gate)
        {
            return (_current, _changed.Task);
        }
    }

    public void Set(LinkFaults faults)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            Volatile.Write(ref _current, faults);
            previous = _changed;
            _changed = NewSignal();
        }

        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
