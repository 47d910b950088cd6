import CommandLineTools
import ItemsService

#if canImport(Glibc)
import Glibc
#endif

// The Lambda handlers built into this executable: the bundled ItemsAPI function.
BuiltInFunctions.register(ItemsFunction(), named: ItemsFunction.handlerName)
exit(GatewayCommand.run(arguments: Array(CommandLine.arguments.dropFirst()), io: .standard))
