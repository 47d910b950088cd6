import CommandLineTools
import CommandSupport
import ItemsService

/// `gateway` as the executable runs it: with the bundled function registered first.
func runGateway(arguments: [String], io: CommandIO, waitForStop: (() -> Void)? = nil) -> Int32 {
    GatewayCommand.run(arguments: arguments, io: io, functions: BuiltInFunctions([ItemsFunction.handlerName: ItemsFunction()]), waitForStop: waitForStop)
}
