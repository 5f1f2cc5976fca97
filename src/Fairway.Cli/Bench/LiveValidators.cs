namespace Fairway.Cli.Bench;

/// <summary>
/// The validator APIs the bench may talk to, and which of them are down right now (crashed for the whole run, or
/// killed and not yet answering again). Load and the firm watcher skip a down validator rather than pile errors on it:
/// the question the bench asks is what the rest of the network commits, not how many requests a dead process refuses.
/// </summary>
internal sealed class LiveValidators
{
    private readonly int[] _down;

    public LiveValidators(IReadOnlyList<Uri> apis)
    {
        All = apis;
        _down = new int[apis.Count];
    }

    public IReadOnlyList<Uri> All { get; }

    public int Count => All.Count;

    public bool IsUp(int index) => Volatile.Read(ref _down[index]) == 0;

    public void SetDown(int index, bool down) => Volatile.Write(ref _down[index], down ? 1 : 0);

    /// <summary>Indices that are up, in order.</summary>
    public List<int> UpIndices() => Enumerable.Range(0, Count).Where(IsUp).ToList();

    /// <summary>The first up validator at or after <paramref name="start"/> (wrapping); <paramref name="start"/> itself if none is up.</summary>
    public int NextUp(int start)
    {
        for (var step = 0; step < Count; step++)
        {
            var i = (start + step) % Count;
            if (IsUp(i))
            {
                return i;
            }
        }

        return start % Count;
    }
}
