import GenerateClientCLI

#if canImport(Glibc)
import Glibc
#endif

exit(GenerateCommand.run(arguments: Array(CommandLine.arguments.dropFirst()), io: .standard))
