namespace Fairway.Node.Full;

/// <summary>
/// The nodes a full node reads from, one at a time: it stays with one while it delivers and moves to the next when it
/// fails, answers something that does not verify, or stops advancing, so one faulty or withholding source only delays it.
/// </summary>
internal sealed class FollowSources(IReadOnlyList<Uri> urls)
{
    private int _current;

    public IReadOnlyList<Uri> All => urls;

    public Uri Current => urls[Volatile.Read(ref _current)];

    public void Next() => Volatile.Write(ref _current, (Volatile.Read(ref _current) + 1) % urls.Count);
}
