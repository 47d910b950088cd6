import CommandLineTools

#if canImport(Glibc)
import Glibc
#endif

exit(GatewayCommand.run(arguments: Array(CommandLine.arguments.dropFirst()), io: .standard))
