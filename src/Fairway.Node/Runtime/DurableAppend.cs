namespace Fairway.Node.Runtime;

/// <summary>
/// One fsynced append to a line log, all or nothing. A write that fails part way (a full disk takes what fits) is cut
/// back to the old end, so the log never holds half a line that a later append would run on from. Logs open their
/// streams unbuffered (<see cref="Open"/>): a buffered stream keeps failed bytes and writes them again when disposed.
/// </summary>
internal static class DurableAppend
{
    public static FileStream Open(string path) =>
        new(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);

    public static void Write(FileStream file, ReadOnlySpan<byte> bytes)
    {
        var end = file.Length;
        try
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            try
            {
                // Shrinking needs no space, so this works on a full disk too.
                file.SetLength(end);
                file.Seek(end, SeekOrigin.Begin);
            }
            catch (IOException)
            {
                // The log's reader drops a torn last line on start; the append's own failure is what matters here.
            }

            throw;
        }
    }
}
