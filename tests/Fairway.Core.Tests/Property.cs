using FsCheck;
using FsCheck.Fluent;

namespace Fairway.Core.Tests;

/// <summary>Runs FsCheck properties inside xunit facts; a failure throws with the counterexample.</summary>
internal static class Property
{
    public static void Holds<T>(Gen<T> gen, Func<T, bool> property, int maxTest = 200) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(gen.ToArbitrary(), property));

    public static void Holds<T>(Gen<T> gen, Action<T> property, int maxTest = 200) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(gen.ToArbitrary(), property));
}
