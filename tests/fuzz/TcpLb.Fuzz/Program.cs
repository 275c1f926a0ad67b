using SharpFuzz;
using TcpLb.Fuzz;

// tests/fuzz/run.sh drives this program; see tests/fuzz/README.md.
//   TcpLb.Fuzz.dll TARGET               under afl-fuzz: one process runs input after input (persistent mode)
//   TcpLb.Fuzz.dll TARGET --replay PATH runs every file under PATH once, without AFL++ (seeds, crashes)
//   TcpLb.Fuzz.dll --instrument TARGET  prints the assembly and type prefixes to instrument, one per line
//   TcpLb.Fuzz.dll --list               prints the targets' names
const int maxInput = 1 << 17; // twice the largest PROXY header (16 + 65535): room for what follows it; AFL++ stays far below

if (args is ["--list"])
{
    FuzzTargets.All.ToList().ForEach(target => Console.WriteLine(target.Name));
    return 0;
}

if (args is ["--instrument", string instrumented] && FuzzTargets.Find(instrumented) is { } toInstrument)
{
    Console.WriteLine(toInstrument.Assembly);
    toInstrument.Prefixes.ToList().ForEach(Console.WriteLine);
    return 0;
}

if (args is [string name, "--replay", string path] && FuzzTargets.Find(name) is { } replayed)
{
    string[] files = File.Exists(path) ? [path] : Directory.GetFiles(path, "*", SearchOption.AllDirectories);
    int failed = 0;
    foreach (string file in files.Order(StringComparer.Ordinal))
    {
        try
        {
            replayed.Run(File.ReadAllBytes(file).AsSpan());
        }
        catch (Exception exception)
        {
            failed++;
            Console.Error.WriteLine($"{file}: {exception}");
        }
    }

    Console.WriteLine($"{name}: {files.Length} inputs replayed, {failed} failed");
    return failed == 0 ? 0 : 1;
}

if (args is [string fuzzed] && FuzzTargets.Find(fuzzed) is { } target)
{
    var buffer = new MemoryStream();
    Fuzzer.Run(input =>
    {
        buffer.SetLength(0);
        input.CopyTo(buffer);
        target.Run(buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, maxInput)));
    });
    return 0;
}

Console.Error.WriteLine($"usage: TcpLb.Fuzz TARGET [--replay PATH] | --instrument TARGET | --list; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
return 2;
