using Fairway.Node.Keys;

namespace Fairway.Node.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fairway-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_generated_key_is_owner_only_and_reads_back()
    {
        var path = Path.Combine(_dir, "key.json");
        var signer = KeyFile.Generate(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(signer.PublicKey, KeyFile.Read(path).PublicKey);
    }

    [Fact]
    public void An_existing_key_is_never_overwritten()
    {
        var path = Path.Combine(_dir, "key.json");
        KeyFile.Generate(path);
        var before = File.ReadAllText(path);

        Assert.Throws<IOException>(() => KeyFile.Generate(path));
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Fact]
    public void A_key_readable_by_others_or_malformed_is_refused()
    {
        var path = Path.Combine(_dir, "key.json");
        KeyFile.Generate(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Contains("readable by others", Assert.Throws<IOException>(() => KeyFile.Read(path)).Message, StringComparison.Ordinal);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, "{\"public_key\":\"00\",\"private_seed\":\"zz\"}");
        Assert.Contains("malformed", Assert.Throws<IOException>(() => KeyFile.Read(path)).Message, StringComparison.Ordinal);
    }
}
