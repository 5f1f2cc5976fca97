namespace Fairway.Storage.Tests;

/// <summary>The contract on a real directory, plus crash and corruption cases only a file can have.</summary>
public sealed class FileSafetyStoreTests : SafetyStoreContract
{
    private readonly TempDirectory _directory = new();

    public FileSafetyStoreTests()
    {
        Store = new FileSafetyStore(_directory.Path);
    }

    protected override ISafetyStore Store { get; }

    private string SafetyFile => _directory.File(FileSafetyStore.FileName);

    private string TempFile => _directory.File(FileSafetyStore.TempFileName);

    public override void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
    }

    [Fact]
    public void A_restarted_store_loads_the_last_save()
    {
        Store.Save(Full(3));
        Store.Save(Full(4));

        AssertSame(Full(4), new FileSafetyStore(_directory.Path).Load());
        Assert.False(File.Exists(TempFile), "Save leaves no temp file behind");
    }

    [Fact]
    public void The_directory_is_created_if_missing()
    {
        var nested = _directory.File("a/b");
        new FileSafetyStore(nested).Save(Full(2));

        AssertSame(Full(2), new FileSafetyStore(nested).Load());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(-1)]
    public void A_flipped_byte_anywhere_is_refused_naming_the_file(int offset)
    {
        Store.Save(Full(8));
        var bytes = File.ReadAllBytes(SafetyFile);
        bytes[offset < 0 ? bytes.Length - 1 : offset] ^= 0x40;
        File.WriteAllBytes(SafetyFile, bytes);

        var error = Assert.Throws<InvalidDataException>(() => Store.Load());
        Assert.Contains(SafetyFile, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-1)]
    public void A_truncated_file_is_refused(int keep)
    {
        Store.Save(Full(8));
        var bytes = File.ReadAllBytes(SafetyFile);
        File.WriteAllBytes(SafetyFile, bytes[..(keep < 0 ? bytes.Length - 1 : keep)]);

        var error = Assert.Throws<InvalidDataException>(() => Store.Load());
        Assert.Contains(SafetyFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leftover_temp_file_is_ignored_and_removed()
    {
        Store.Save(Full(4));
        // A crash after writing the temp file but before the rename: garbage that never became the state.
        File.WriteAllBytes(TempFile, [1, 2, 3]);

        AssertSame(Full(4), new FileSafetyStore(_directory.Path).Load());
        Assert.False(File.Exists(TempFile));
    }

    [Fact]
    public void A_leftover_temp_file_alone_means_no_state()
    {
        File.WriteAllBytes(TempFile, [1, 2, 3]);

        Assert.Null(Store.Load());
    }

    [Fact]
    public void Save_over_a_leftover_temp_file_works()
    {
        File.WriteAllBytes(TempFile, new byte[1000]);

        Store.Save(Full(6));

        AssertSame(Full(6), new FileSafetyStore(_directory.Path).Load());
    }
}
