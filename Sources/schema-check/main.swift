import CommandLineTools

#if canImport(Glibc)
import Glibc
#endif

exit(SchemaCheckCommand.run(arguments: Array(CommandLine.arguments.dropFirst()), io: .standard))
