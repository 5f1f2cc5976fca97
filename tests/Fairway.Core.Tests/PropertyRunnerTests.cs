using FsCheck.Fluent;

namespace Fairway.Core.Tests;

public class PropertyRunnerTests
{
    [Fact]
    public void A_false_property_fails_the_test() =>
        Assert.ThrowsAny<Exception>(() => Property.Holds(Gen.Choose(0, 10), _ => false));
}
