using Microsoft.Playwright;

namespace Fairway.Explorer.Tests;

/// <summary>
/// Screenshots of the pages, written to the test output directory on every run; with FAIRWAY_UPDATE_SCREENSHOTS=1 also
/// copied to docs/explorer, where README.md shows them.
/// </summary>
internal static class Screenshots
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        if (Environment.GetEnvironmentVariable("FAIRWAY_UPDATE_SCREENSHOTS") == "1" && RepositoryRoot() is { } root)
        {
            var docs = Path.Combine(root, "docs", "explorer");
            System.IO.Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }
    }

    /// <summary>The checkout this test runs from (where Fairway.slnx is), or null when run from elsewhere.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fairway.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
