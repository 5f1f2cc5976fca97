using System.Diagnostics;

namespace Fairway.Cli.Chaos;

/// <summary>
/// A size-limited tmpfs mounted over a directory, so a validator's disk can be filled without filling the machine's.
/// Needs root (mount); <see cref="TryMount"/> says why it could not, and the campaign then leaves the disk fault out.
/// </summary>
internal static class Tmpfs
{
    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> over <paramref name="directory"/>, keeping the files already in it; null on success, else why not.</summary>
    public static string? TryMount(string directory, long bytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "a tmpfs needs Linux";
        }

        // Mounting hides what the directory held (a fresh validator's data directory may already hold files): move
        // it aside, mount, and move it back.
        var aside = directory.TrimEnd('/') + ".before-tmpfs";
        Directory.CreateDirectory(directory);
        Directory.Move(directory, aside);
        Directory.CreateDirectory(directory);
        var error = Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", directory);
        if (error is not null)
        {
            Directory.Delete(directory);
            Directory.Move(aside, directory);
            return error;
        }

        CopyInto(aside, directory);
        Directory.Delete(aside, recursive: true);
        return null;
    }

    public static void Unmount(string directory)
    {
        // Lazy, so a validator still holding a file there (being stopped) does not keep the mount alive.
        _ = Run("umount", "-l", directory);
    }

    /// <summary>
    /// Writes zeros to <paramref name="path"/> until the file system has only <paramref name="leaveBytes"/> free (0: until
    /// it is full), so a validator can be left just under its free-space reserve without its disk ever touching zero on
    /// the way; returns the bytes written.
    /// </summary>
    public static long Fill(string path, long leaveBytes = 0)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var target = leaveBytes > 0 ? Math.Max(0, new DriveInfo(directory).AvailableFreeSpace - leaveBytes) : long.MaxValue;
        var chunk = new byte[1024 * 1024];
        long written = 0;
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (written < target)
            {
                var size = (int)Math.Min(chunk.Length, target - written);
                file.Write(chunk, 0, size);
                written += size;
            }
        }
        catch (IOException)
        {
            // ENOSPC: full, which is the point when nothing is to be left. A last partial megabyte may not have fit.
        }

        if (leaveBytes > 0)
        {
            return written;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
            var small = new byte[4096];
            while (true)
            {
                file.Write(small);
                written += small.Length;
            }
        }
        catch (IOException)
        {
        }

        return written;
    }

    private static void CopyInto(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(file));
            }
        }
    }

    private static string? Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEnd();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{program} could not be run: {e.Message}";
        }
    }
}
