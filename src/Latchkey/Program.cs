using Latchkey.Cli;

return await LatchkeyCommandLine.RunAsync(args, CliConsole.System);
