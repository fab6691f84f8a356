Public Class Customer
    Public Property Id As Integer
    Public Property Name As String
    Private _orders As New List(Of Decimal)

    Public Sub New(id As Integer, name As String)
        Me.Id = id
        Me.Name = name
    End Sub

    Public Sub AddOrder(amount As Decimal)
        If amount <= 0D Then
            Throw New ArgumentOutOfRangeException(NameOf(amount))
        End If
        _orders.Add(amount)
    End Sub

    Public ReadOnly Property Total As Decimal
        Get
            Return _orders.Sum()
        End Get
    End Property
End Class
