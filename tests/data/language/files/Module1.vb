Imports System
Imports System.Collections.Generic

Module Module1

    Function Fibonacci(ByVal n As Integer) As Long
        If n < 2 Then
            Return n
        End If
        Dim a As Long = 0, b As Long = 1
        For i As Integer = 2 To n
            Dim t As Long = a + b
            a = b
            b = t
        Next
        Return b
    End Function

    Sub Main()
        Dim values As New List(Of Long)
        For i As Integer = 0 To 10
            values.Add(Fibonacci(i))
        Next
        Console.WriteLine(String.Join(", ", values))
    End Sub

End Module
