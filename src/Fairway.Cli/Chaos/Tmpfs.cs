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
    /// Writes zeros to <paramref name="path"/> until the file system is full, then gives back <paramref name="leaveBytes"/>
    /// (so a validator can be left just under its free-space reserve); returns the bytes the file holds.
    /// </summary>
    public static long Fill(string path, long leaveBytes = 0)
    {
        var chunk = new byte[1024 * 1024];
        long written = 0;
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (true)
            {
                file.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: full, which is the point. A last partial megabyte may not have fit; fill the rest in small steps.
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

        if (leaveBytes > 0)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None, bufferSize: 0);
            written = Math.Max(0, file.Length - leaveBytes);
            file.SetLength(written);
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
