using System.Globalization;

namespace Fairway.Node.Hosting;

/// <summary>
/// An OS-level exclusive lock on a file, held while this object lives. FileShare.None makes .NET take flock(LOCK_EX)
/// on Unix, which the kernel drops when the process dies however it dies, so a lock file left behind by a killed
/// process never blocks the next one: only a live holder does.
/// </summary>
public sealed class ExclusiveFileLock : IDisposable
{
    // What .NET puts in HResult when the file is already locked: on Unix the errno of flock(LOCK_NB), EWOULDBLOCK
    // (11 on Linux, 35 on macOS); on Windows ERROR_SHARING_VIOLATION.
    private static readonly int[] LockedResults = [11, 35, unchecked((int)0x80070020)];

    private readonly FileStream _stream;
    private readonly string _pidPath;

    private ExclusiveFileLock(FileStream stream, string pidPath)
    {
        _stream = stream;
        _pidPath = pidPath;
    }

    public string Path => _stream.Name;

    /// <summary>
    /// Takes the lock on <paramref name="lockPath"/>, or returns null when another live process holds it; then
    /// <paramref name="holderPid"/> is that process's pid if it recorded one. The pid lives in a sibling
    /// <c>.pid</c> file because a locked file cannot be opened by another .NET process even for reading.
    /// </summary>
    public static ExclusiveFileLock? TryAcquire(string lockPath, out int? holderPid)
    {
        holderPid = null;
        var pidPath = System.IO.Path.ChangeExtension(lockPath, ".pid");
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (LockedResults.Contains(e.HResult))
        {
            holderPid = ReadPid(pidPath);
            return null;
        }

        File.WriteAllText(pidPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new ExclusiveFileLock(stream, pidPath);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_pidPath);
        }
        catch (IOException)
        {
        }

        _stream.Dispose();
    }

    private static int? ReadPid(string pidPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
