namespace Fairway.Node.Keys;

/// <summary>
/// Secret files (the keys): written once, readable by the owner only (0600), never overwritten; a file that others can
/// read is refused, as ssh does, so a leaked key is not silently used.
/// </summary>
internal static class OwnerOnlyFile
{
    public static void WriteNew(string path, string text)
    {
        if (File.Exists(path))
        {
            throw new IOException($"{path} already exists; refusing to overwrite a key");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The file's text; <paramref name="what"/> (e.g. "key file") names it in the errors.</summary>
    public static string ReadText(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new IOException($"{what} {path} not found");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IOException($"{what} {path} is readable by others; chmod 600 it");
        }

        return File.ReadAllText(path);
    }
}
