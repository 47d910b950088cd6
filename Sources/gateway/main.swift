import CommandLineTools
import ItemsService

#if canImport(Glibc)
import Glibc
#endif

// The Lambda handlers built into this executable: the bundled ItemsAPI function.
let functions = BuiltInFunctions([ItemsFunction.handlerName: ItemsFunction()])
exit(GatewayCommand.run(arguments: Array(CommandLine.arguments.dropFirst()), io: .standard, functions: functions))
