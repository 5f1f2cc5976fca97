using Microsoft.Playwright;

namespace Fairway.Explorer.Tests;

/// <summary>
/// Screenshots of the pages, written to the test output directory on every run; with FAIRWAY_UPDATE_SCREENSHOTS=1 also
/// copied to docs/explorer, where README.md shows them.
/// </summary>
internal static class Screenshots
{
    private const int HeightMax = 1600;

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <param name="documented">Whether the screenshot is one README.md shows (copied to docs/explorer on request).</param>
    public static async Task SaveAsync(IPage page, string name, bool documented = true)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        // The whole page, up to a height that keeps long lists from making huge images.
        var height = Math.Min(await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight"), HeightMax);
        var width = page.ViewportSize?.Width ?? 1280;
        await page.ScreenshotAsync(new() { Path = path, FullPage = true, Clip = new() { X = 0, Y = 0, Width = width, Height = height } });
        if (documented && Environment.GetEnvironmentVariable("FAIRWAY_UPDATE_SCREENSHOTS") == "1" && RepositoryRoot() is { } root)
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
