import SwiftUI

struct ContentView: View {
    @State private var count = 0
    @State private var name: String = ""

    var body: some View {
        VStack(spacing: 16) {
            TextField("Your name", text: $name)
                .textFieldStyle(.roundedBorder)
            Text(name.isEmpty ? "Hello!" : "Hello, \(name)!")
                .font(.title)
            Button("Tapped \(count) times") {
                count += 1
            }
        }
        .padding()
    }
}

#Preview {
    ContentView()
}
